// How the deployment token of a record or rotation is made (issue 18.2): minted from the pasted
// token (which is then deleted), or the pasted token itself. The organisation policy decides; an
// admin may choose otherwise for one push (token.choose_minting), everyone else is told what the
// policy will do. A plain form control: its value travels with the form's other fields.
import { SelectField } from '@/components/ui/field';

export interface MintingSetting {
  /** The organisation policy: mint deployment tokens. */
  policy: boolean;
  /** An admin: may choose otherwise for this push. */
  canChoose: boolean;
}

/**
 * The `mint` input of the record and rotate actions, from the submitted form: an explicit choice
 * only when it differs from the policy (the call is then made under token.choose_minting).
 */
export function mintChoiceOf(form: FormData, minting: MintingSetting): 'policy' | 'mint' | 'paste' {
  const value = form.get('mint');
  if (!minting.canChoose || (value !== 'mint' && value !== 'paste')) return 'policy';
  return (value === 'mint') === minting.policy ? 'policy' : value;
}

export function MintingChoice({ minting, productName }: { minting: MintingSetting; productName: string }) {
  const minted = `Keywarden uses the pasted token once, to mint a fresh token on ${productName} for the environments, then deletes the pasted one: the token that runs there is never on a screen.`;
  if (!minting.canChoose) {
    return <p className="text-sm text-slate-700">{minting.policy ? `Organisation policy: ${minted}` : 'Organisation policy: the pasted token is the one pushed.'}</p>;
  }
  return (
    // The hint names each choice: it stays beside the select whichever is chosen, and describing
    // only the minting read as if it were what "Push the pasted token" does.
    <SelectField
      label="Deployment token"
      name="mint"
      defaultValue={minting.policy ? 'mint' : 'paste'}
      hint={`Mint a fresh token: ${minted} If ${productName} refuses to mint, the pasted token is pushed and the record says why. Push the pasted token: the token you paste is the one that runs there.`}
    >
      <option value="mint">Mint a fresh token{minting.policy ? ' (organisation policy)' : ''}</option>
      <option value="paste">Push the pasted token{minting.policy ? '' : ' (organisation policy)'}</option>
    </SelectField>
  );
}
