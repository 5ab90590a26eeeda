import {createSecretRules} from '../model/redactSecrets';
import type {SecretRules} from '../model/redactSecrets';

let cached: {key: string; rules: SecretRules} | null = null;

/**
 * The worker's secret rules for the user's `redact` names: one instance per process, so the environment's secret
 * values are collected once, on the first failure that needs them, and not per test file.
 */
export function secretRulesFor(names: readonly string[]): SecretRules {
  const key = names.join('\0');
  if (cached === null || cached.key !== key) cached = {key, rules: createSecretRules(names, () => process.env)};
  return cached.rules;
}
