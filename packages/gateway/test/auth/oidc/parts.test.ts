/**
 * The small parts of sign-in on their own: the cookie's attributes on https and on loopback, and the
 * claim-to-role mapping with the shapes providers send (arrays, single strings, nested role lists).
 */
import { describe, expect, it } from 'vitest';
import { clearSignInCookie, readSignInCookie, setSignInCookie } from '../../../src/auth/oidc/cookies.js';
import { mapRoles } from '../../../src/auth/oidc/roles.js';

describe('the sign-in cookie', () => {
  it('is Secure and __Host- prefixed over https, HttpOnly always', () => {
    const secure = setSignInCookie('abc_DEF-123', { secure: true, sameSite: 'Strict', maxAgeSeconds: 60 });
    expect(secure).toBe(
      '__Host-actpass_signin=abc_DEF-123; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure',
    );
    const loopback = setSignInCookie('abc', { secure: false, sameSite: 'Lax', maxAgeSeconds: 600 });
    expect(loopback).toBe('actpass_signin=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=600');
    expect(clearSignInCookie(true)).toMatch(/^__Host-actpass_signin=; .*Max-Age=0; Secure$/);
  });

  it('is read only under its own name, and only when it looks like ours', () => {
    // Over https, a cookie without the prefix (which anyone on the network could plant over http) is ignored.
    expect(readSignInCookie('actpass_signin=planted', true)).toBeNull();
    expect(readSignInCookie('other=1; __Host-actpass_signin=good_value', true)).toBe('good_value');
    expect(readSignInCookie('actpass_signin=good', false)).toBe('good');
    expect(readSignInCookie('actpass_signin=<script>', false)).toBeNull();
    expect(readSignInCookie(`actpass_signin=${'a'.repeat(129)}`, false)).toBeNull();
    expect(readSignInCookie(null, false)).toBeNull();
  });
});

describe('roles from claims', () => {
  const mapping = { claim: 'groups', values: { approver: ['approvers'], admin: ['admins'] } };

  it('grants each role whose value the claim holds', () => {
    expect(mapRoles({ groups: ['staff', 'approvers'] }, mapping)).toEqual(['approver']);
    expect(mapRoles({ groups: ['admins', 'approvers'] }, mapping)).toEqual(['approver', 'admin']);
    expect(mapRoles({ groups: 'admins' }, mapping)).toEqual(['admin']);
  });

  it('grants nothing for missing, odd or look-alike values', () => {
    expect(mapRoles({}, mapping)).toEqual([]);
    expect(mapRoles({ groups: [['approvers']] }, mapping)).toEqual([]);
    expect(mapRoles({ groups: { approvers: true } }, mapping)).toEqual([]);
    expect(mapRoles({ groups: ['Approvers', 'approvers '] }, mapping)).toEqual([]);
    expect(mapRoles({ Groups: ['approvers'] }, mapping)).toEqual([]);
  });

  it('follows a dotted path into objects, and never into the prototype', () => {
    const nested = { claim: 'realm_access.roles', values: { admin: ['actpass-admin'] } };
    expect(mapRoles({ realm_access: { roles: ['actpass-admin'] } }, nested)).toEqual(['admin']);
    expect(mapRoles({ realm_access: ['actpass-admin'] }, nested)).toEqual([]);
    const proto = { claim: 'constructor.name', values: { admin: ['Object'] } };
    expect(mapRoles({}, proto)).toEqual([]);
  });
});
