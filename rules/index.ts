// Generated from the files in rules/ by `npm run docs` (scripts/rules-index.ts). Do not edit: add a rule file instead.
import type { Rule, RuleMeta } from '../src/engine/rule.js';
import { ENGINE_RULES } from './engine.js';
import addingExclusionConstraint from './adding-exclusion-constraint.js';
import addingFieldWithDefault from './adding-field-with-default.js';
import addingForeignKeyConstraint from './adding-foreign-key-constraint.js';
import addingNotNullableField from './adding-not-nullable-field.js';
import addingRequiredField from './adding-required-field.js';
import addingSerialPrimaryKeyField from './adding-serial-primary-key-field.js';
import attachPartitionMissingCheck from './attach-partition-missing-check.js';
import banAlterDomainWithAddConstraint from './ban-alter-domain-with-add-constraint.js';
import banCharField from './ban-char-field.js';
import banConcurrentIndexCreationInTransaction from './ban-concurrent-index-creation-in-transaction.js';
import banConcurrentIndexOnPartitionedTable from './ban-concurrent-index-on-partitioned-table.js';
import banCreateDomainWithConstraint from './ban-create-domain-with-constraint.js';
import banDropColumn from './ban-drop-column.js';
import banDropDatabase from './ban-drop-database.js';
import banDropNotNull from './ban-drop-not-null.js';
import banDropSchema from './ban-drop-schema.js';
import banDropTable from './ban-drop-table.js';
import banNonTransactionalStatementInTransaction from './ban-non-transactional-statement-in-transaction.js';
import banTableRewrite from './ban-table-rewrite.js';
import banTruncateCascade from './ban-truncate-cascade.js';
import banUnbatchedBackfill from './ban-unbatched-backfill.js';
import banUncommittedTransaction from './ban-uncommitted-transaction.js';
import banVacuumFullAndCluster from './ban-vacuum-full-and-cluster.js';
import changingColumnType from './changing-column-type.js';
import concurrentIndexInvalidLeftover from './concurrent-index-invalid-leftover.js';
import constraintMissingNotValid from './constraint-missing-not-valid.js';
import disallowedUniqueConstraint from './disallowed-unique-constraint.js';
import holdAccessExclusiveLock from './hold-access-exclusive-lock.js';
import identifierTooLong from './identifier-too-long.js';
import preferBigintOverInt from './prefer-bigint-over-int.js';
import preferBigintOverSmallint from './prefer-bigint-over-smallint.js';
import preferIdentity from './prefer-identity.js';
import preferJsonb from './prefer-jsonb.js';
import preferRobustStmts from './prefer-robust-stmts.js';
import preferTextField from './prefer-text-field.js';
import preferTimestamptz from './prefer-timestamptz.js';
import renamingColumn from './renaming-column.js';
import renamingObject from './renaming-object.js';
import renamingTable from './renaming-table.js';
import requireConcurrentIndexCreation from './require-concurrent-index-creation.js';
import requireConcurrentIndexDeletion from './require-concurrent-index-deletion.js';
import requireConcurrentPartitionDetach from './require-concurrent-partition-detach.js';
import requireConcurrentRefresh from './require-concurrent-refresh.js';
import requireConcurrentReindex from './require-concurrent-reindex.js';
import requireIndexOnForeignKey from './require-index-on-foreign-key.js';
import requireLockTimeout from './require-lock-timeout.js';
import requireStatementTimeout from './require-statement-timeout.js';
import requireTableSchema from './require-table-schema.js';
import requiresNewerPostgres from './requires-newer-postgres.js';
import transactionNesting from './transaction-nesting.js';

/** Every rule, by id. */
export const RULES: Rule[] = [
  addingExclusionConstraint,
  addingFieldWithDefault,
  addingForeignKeyConstraint,
  addingNotNullableField,
  addingRequiredField,
  addingSerialPrimaryKeyField,
  attachPartitionMissingCheck,
  banAlterDomainWithAddConstraint,
  banCharField,
  banConcurrentIndexCreationInTransaction,
  banConcurrentIndexOnPartitionedTable,
  banCreateDomainWithConstraint,
  banDropColumn,
  banDropDatabase,
  banDropNotNull,
  banDropSchema,
  banDropTable,
  banNonTransactionalStatementInTransaction,
  banTableRewrite,
  banTruncateCascade,
  banUnbatchedBackfill,
  banUncommittedTransaction,
  banVacuumFullAndCluster,
  changingColumnType,
  concurrentIndexInvalidLeftover,
  constraintMissingNotValid,
  disallowedUniqueConstraint,
  holdAccessExclusiveLock,
  identifierTooLong,
  preferBigintOverInt,
  preferBigintOverSmallint,
  preferIdentity,
  preferJsonb,
  preferRobustStmts,
  preferTextField,
  preferTimestamptz,
  renamingColumn,
  renamingObject,
  renamingTable,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  requireConcurrentPartitionDetach,
  requireConcurrentRefresh,
  requireConcurrentReindex,
  requireIndexOnForeignKey,
  requireLockTimeout,
  requireStatementTimeout,
  requireTableSchema,
  requiresNewerPostgres,
  transactionNesting,
];

export const RULES_BY_ID: Record<string, Rule> = Object.fromEntries(RULES.map((r) => [r.meta.id, r]));

export const ENGINE_RULE_IDS: string[] = ENGINE_RULES.map((m) => m.id);

/** Every rule's meta, engine findings included: for `rules`, `explain` and SARIF. */
export const ALL_RULE_META: RuleMeta[] = [...RULES.map((r) => r.meta), ...ENGINE_RULES];
