import type { SelectStmt } from '@pgsql/types';
import { strings, unwrap, unwrapAll } from '../sql/nodes.js';

/** `SELECT set_config('lock_timeout', '2s', is_local)` → [name, value, local]. */
export function setConfigCall(node: SelectStmt | undefined): Array<[string, string, boolean]> {
  const out: Array<[string, string, boolean]> = [];
  for (const target of unwrapAll(node?.targetList, 'ResTarget')) {
    const call = unwrap(target.val, 'FuncCall');
    if (!call) continue;
    const fname = strings(call.funcname).filter(Boolean).join('.');
    if (fname !== 'set_config' && fname !== 'pg_catalog.set_config') continue;
    const [name, value, local] = call.args ?? [];
    const n = unwrap(name, 'A_Const')?.sval?.sval;
    const v = unwrap(value, 'A_Const')?.sval?.sval;
    const l = unwrap(local, 'A_Const')?.boolval?.boolval === true;
    if (typeof n === 'string' && typeof v === 'string') out.push([n.toLowerCase(), v, l]);
  }
  return out;
}
