/**
 * Presets, as ESLint's shared configs: `recommended` (the default) holds the rules whose every finding a team
 * should act on; `strict` adds the type-style and policy rules; `all` switches every rule on. A rule names the
 * smallest preset it belongs to in its meta; its default severity is its severity in that preset and the larger
 * ones.
 */
import type { PresetName, SeverityName } from '../types.js';

export type { PresetName } from '../types.js';
export const PRESETS = ['recommended', 'strict', 'all'] as const satisfies readonly PresetName[];

export const DEFAULT_PRESET: PresetName = 'recommended';

export interface PresetMember {
  defaultSeverity: SeverityName;
  /** The smallest preset that switches the rule on; default `recommended`. */
  preset?: PresetName;
}

/** The preset a rule belongs to. */
export function presetOf(meta: PresetMember): PresetName {
  return meta.preset ?? 'recommended';
}

/** Whether `preset` includes every rule of `member` (strict includes recommended, all includes both). */
export function presetIncludes(preset: PresetName, member: PresetName): boolean {
  return PRESETS.indexOf(member) <= PRESETS.indexOf(preset);
}

/** A rule's severity under a preset: its default severity when the preset holds it, `off` otherwise. */
export function presetSeverity(meta: PresetMember, preset: PresetName = DEFAULT_PRESET): SeverityName {
  return presetIncludes(preset, presetOf(meta)) ? meta.defaultSeverity : 'off';
}
