import type { Rule, RuleMeta } from '../src/engine/rule.js';
import addingForeignKeyConstraint from './adding-foreign-key-constraint.js';
import addingNotNullableField from './adding-not-nullable-field.js';
import banConcurrentIndexCreationInTransaction from './ban-concurrent-index-creation-in-transaction.js';
import banConcurrentIndexOnPartitionedTable from './ban-concurrent-index-on-partitioned-table.js';
import banNonTransactionalStatementInTransaction from './ban-non-transactional-statement-in-transaction.js';
import banUncommittedTransaction from './ban-uncommitted-transaction.js';
import concurrentIndexInvalidLeftover from './concurrent-index-invalid-leftover.js';
import constraintMissingNotValid from './constraint-missing-not-valid.js';
import { ENGINE_RULES } from './engine.js';
import requireConcurrentIndexCreation from './require-concurrent-index-creation.js';
import requireConcurrentIndexDeletion from './require-concurrent-index-deletion.js';
import requireConcurrentReindex from './require-concurrent-reindex.js';
import requireLockTimeout from './require-lock-timeout.js';
import transactionNesting from './transaction-nesting.js';

export const RULES: Rule[] = [
  requireConcurrentIndexCreation,
  banConcurrentIndexCreationInTransaction,
  concurrentIndexInvalidLeftover,
  banConcurrentIndexOnPartitionedTable,
  requireConcurrentIndexDeletion,
  requireConcurrentReindex,
  addingForeignKeyConstraint,
  constraintMissingNotValid,
  addingNotNullableField,
  requireLockTimeout,
  transactionNesting,
  banUncommittedTransaction,
  banNonTransactionalStatementInTransaction,
];

export const RULES_BY_ID: Record<string, Rule> = Object.fromEntries(RULES.map((r) => [r.meta.id, r]));

export const ENGINE_RULE_IDS: string[] = ENGINE_RULES.map((m) => m.id);

/** Every rule's meta, engine findings included: for `rules`, `explain` and SARIF. */
export const ALL_RULE_META: RuleMeta[] = [...RULES.map((r) => r.meta), ...ENGINE_RULES];
