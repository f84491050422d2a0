import { SelectField } from '@/components/ui/field';
import { isRole, ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES, type Role } from '@/lib/roles';

interface RoleSelectProps {
  label: string;
  value: Role;
  onChange: (role: Role) => void;
  errors?: string[];
  disabled?: boolean;
}

/** A role picker whose hint says what the chosen role may do. */
export function RoleSelect({ label, value, onChange, errors, disabled }: RoleSelectProps) {
  return (
    <SelectField
      label={label}
      name="role"
      hint={ROLE_DESCRIPTIONS[value]}
      value={value}
      onChange={(event) => {
        if (isRole(event.target.value)) onChange(event.target.value);
      }}
      errors={errors}
      disabled={disabled}
    >
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {ROLE_LABELS[role]}
        </option>
      ))}
    </SelectField>
  );
}
