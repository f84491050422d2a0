import { describe, expect, it } from 'vitest';
import { AppError, isAppError, isUniqueViolation } from './errors';

describe('error recognition by shape (a class may exist once per Next.js server layer)', () => {
  it('recognises a Prisma unique violation by its code and name', () => {
    expect(isUniqueViolation(Object.assign(new Error('Unique constraint failed'), { name: 'PrismaClientKnownRequestError', code: 'P2002' }))).toBe(true);
    expect(isUniqueViolation(Object.assign(new Error('Record not found'), { name: 'PrismaClientKnownRequestError', code: 'P2025' }))).toBe(false);
    expect(isUniqueViolation({ code: 'P2002' })).toBe(false);
    expect(isUniqueViolation(undefined)).toBe(false);
  });

  it('recognises an AppError, and not any error', () => {
    expect(isAppError(new AppError('conflict', 'Already there.'))).toBe(true);
    expect(isAppError(new Error('AppError'))).toBe(false);
  });
});
