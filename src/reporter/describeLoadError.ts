import type {SerializableError} from '@jest/test-result';
import {describeFailure} from '../environment/describeFailure';
import {CodeFrameReader} from '../environment/readCodeFrame';
import {secretRulesFor} from '../environment/secretRules';
import type {FailureMode, FailureRecord} from '../model/types';

/**
 * A test file that could not run (a missing module, a syntax error, a throw at its top level) never reaches circus,
 * so no recorder saw it: its error is the one Jest sent back (`testExecError`, already source-mapped in the worker).
 * It is described like any failure, with phase `load`: message, type, the first user frame and its code frame.
 */
export function describeLoadError(error: SerializableError, options: {rootDir: string; mode: FailureMode | 'auto'; skipInternalFrames: boolean; redact: readonly string[]}): FailureRecord {
  // What the worker serialised of the Error: its message and stack survive, its class does not (beyond `type`).
  const thrown = {name: error.type ?? 'Error', message: error.message ?? '', stack: error.stack ?? `${error.type ?? 'Error'}: ${error.message ?? ''}`};
  return describeFailure([thrown], 'load', {
    rootDir: options.rootDir,
    // No debugger ran here: trace and auto give what profile gives.
    mode: options.mode === 'static' ? 'static' : 'profile',
    skipInternalFrames: options.skipInternalFrames,
    codeFrames: new CodeFrameReader(),
    trace: null,
    secrets: secretRulesFor(options.redact),
    // Trace and auto read variables of code that runs; a file that could not load ran none.
    ...((options.mode === 'trace' || options.mode === 'auto') && {variables: {untraced: 'load' as const}}),
  });
}
