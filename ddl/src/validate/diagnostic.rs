//! Diagnostics: a stable code, the object, where it was declared, what is wrong and the fix.

use crate::model::names::Origin;
use std::fmt;

/// Every diagnostic code. The text of a code never changes once released: CI scripts and
/// people search for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Code {
    IdentifierEmpty,
    IdentifierTooLong,
    IdentifierControlCharacter,
    TextNulByte,
    UnsafeSqlFragment,
    ImplicitNameClash,
    DuplicateTable,
    DuplicateColumn,
    DuplicateConstraint,
    DuplicateIndex,
    DuplicateObject,
    UnknownSchema,
    TableWithoutColumns,
    FkUnknownTable,
    FkMissingColumn,
    FkColumnCount,
    FkTypeMismatch,
    FkTargetNotUnique,
    IndexMissingColumn,
    ConstraintMissingColumn,
    CheckMissingColumn,
    TriggerMissingColumn,
    TriggerWithoutEvents,
    PolicyMissingColumn,
    PolicyWithoutRls,
    UnknownFunction,
    UnknownTable,
    NotATriggerFunction,
    UnknownEnum,
    MissingExtension,
    IdentityNotInteger,
    GeneratedWithDefault,
    RowsWithoutPrimaryKey,
    RowsMissingColumn,
    RowsArity,
    RowsDuplicateKey,
    DependencyCycle,
    UnsupportedChange,
    /// `schema.snapshot.json` cannot be read (not JSON, not a snapshot, or missing while
    /// migrations were generated from it).
    SnapshotInvalid,
    /// `schema.snapshot.json` is not the snapshot the newest migration recorded.
    SnapshotEdited,
    NotNullWithoutBackfill,
    ViewUnknownRelation,
    ViewOptionInvalid,
    TriggerTimingInvalid,
    UnknownDependency,
    RawWithoutDown,
    UnknownSequence,
    UnknownDomain,
    UnknownCompositeType,
    UnknownRangeType,
    SequenceNotInteger,
    SequenceBadBounds,
    SequenceOwnerMissing,
    SerialNotInteger,
    SerialWithDefault,
    CompositeWithoutFields,
    PartitionParentNotPartitioned,
    PartitionDeclaresColumns,
    PartitionKeyMissingColumn,
    PartitionKeyNotInUnique,
    PartitionBoundInvalid,
    PartitionBoundOverlap,
    UnknownRole,
    GrantUnknownTarget,
    GrantInvalidPrivilege,
    FunctionDefaultNotTrailing,
    FunctionVariadicNotLast,
    FunctionRowsWithoutSet,
    ProcedureAttribute,
    AggregateUnknownFunction,
    RenameSourceMissing,
    RenameSourceDeclared,
    ExclusionNeedsBtreeGist,
    ExclusionInvalid,
    TriggerTransitionInvalid,
    ConstraintTriggerInvalid,
    FkSetColumnsInvalid,
    CollationInvalid,
}

impl Code {
    pub const ALL: &'static [Code] = &[
        Code::IdentifierEmpty,
        Code::IdentifierTooLong,
        Code::IdentifierControlCharacter,
        Code::TextNulByte,
        Code::UnsafeSqlFragment,
        Code::ImplicitNameClash,
        Code::DuplicateTable,
        Code::DuplicateColumn,
        Code::DuplicateConstraint,
        Code::DuplicateIndex,
        Code::DuplicateObject,
        Code::UnknownSchema,
        Code::TableWithoutColumns,
        Code::FkUnknownTable,
        Code::FkMissingColumn,
        Code::FkColumnCount,
        Code::FkTypeMismatch,
        Code::FkTargetNotUnique,
        Code::IndexMissingColumn,
        Code::ConstraintMissingColumn,
        Code::CheckMissingColumn,
        Code::TriggerMissingColumn,
        Code::TriggerWithoutEvents,
        Code::PolicyMissingColumn,
        Code::PolicyWithoutRls,
        Code::UnknownFunction,
        Code::UnknownTable,
        Code::NotATriggerFunction,
        Code::UnknownEnum,
        Code::MissingExtension,
        Code::IdentityNotInteger,
        Code::GeneratedWithDefault,
        Code::RowsWithoutPrimaryKey,
        Code::RowsMissingColumn,
        Code::RowsArity,
        Code::RowsDuplicateKey,
        Code::DependencyCycle,
        Code::UnsupportedChange,
        Code::SnapshotInvalid,
        Code::SnapshotEdited,
        Code::NotNullWithoutBackfill,
        Code::ViewUnknownRelation,
        Code::ViewOptionInvalid,
        Code::TriggerTimingInvalid,
        Code::UnknownDependency,
        Code::RawWithoutDown,
        Code::UnknownSequence,
        Code::UnknownDomain,
        Code::UnknownCompositeType,
        Code::UnknownRangeType,
        Code::SequenceNotInteger,
        Code::SequenceBadBounds,
        Code::SequenceOwnerMissing,
        Code::SerialNotInteger,
        Code::SerialWithDefault,
        Code::CompositeWithoutFields,
        Code::PartitionParentNotPartitioned,
        Code::PartitionDeclaresColumns,
        Code::PartitionKeyMissingColumn,
        Code::PartitionKeyNotInUnique,
        Code::PartitionBoundInvalid,
        Code::PartitionBoundOverlap,
        Code::UnknownRole,
        Code::GrantUnknownTarget,
        Code::GrantInvalidPrivilege,
        Code::FunctionDefaultNotTrailing,
        Code::FunctionVariadicNotLast,
        Code::FunctionRowsWithoutSet,
        Code::ProcedureAttribute,
        Code::AggregateUnknownFunction,
        Code::RenameSourceMissing,
        Code::RenameSourceDeclared,
        Code::ExclusionNeedsBtreeGist,
        Code::ExclusionInvalid,
        Code::TriggerTransitionInvalid,
        Code::ConstraintTriggerInvalid,
        Code::FkSetColumnsInvalid,
        Code::CollationInvalid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::IdentifierEmpty => "identifier-empty",
            Code::IdentifierTooLong => "identifier-too-long",
            Code::IdentifierControlCharacter => "identifier-control-character",
            Code::TextNulByte => "text-nul-byte",
            Code::UnsafeSqlFragment => "unsafe-sql-fragment",
            Code::ImplicitNameClash => "implicit-name-clash",
            Code::DuplicateTable => "duplicate-table",
            Code::DuplicateColumn => "duplicate-column",
            Code::DuplicateConstraint => "duplicate-constraint",
            Code::DuplicateIndex => "duplicate-index",
            Code::DuplicateObject => "duplicate-object",
            Code::UnknownSchema => "unknown-schema",
            Code::TableWithoutColumns => "table-without-columns",
            Code::FkUnknownTable => "fk-unknown-table",
            Code::FkMissingColumn => "fk-missing-column",
            Code::FkColumnCount => "fk-column-count",
            Code::FkTypeMismatch => "fk-type-mismatch",
            Code::FkTargetNotUnique => "fk-target-not-unique",
            Code::IndexMissingColumn => "index-missing-column",
            Code::ConstraintMissingColumn => "constraint-missing-column",
            Code::CheckMissingColumn => "check-missing-column",
            Code::TriggerMissingColumn => "trigger-missing-column",
            Code::TriggerWithoutEvents => "trigger-without-events",
            Code::PolicyMissingColumn => "policy-missing-column",
            Code::PolicyWithoutRls => "policy-without-rls",
            Code::UnknownFunction => "unknown-function",
            Code::UnknownTable => "unknown-table",
            Code::NotATriggerFunction => "not-a-trigger-function",
            Code::UnknownEnum => "unknown-enum",
            Code::MissingExtension => "missing-extension",
            Code::IdentityNotInteger => "identity-not-integer",
            Code::GeneratedWithDefault => "generated-with-default",
            Code::RowsWithoutPrimaryKey => "rows-without-primary-key",
            Code::RowsMissingColumn => "rows-missing-column",
            Code::RowsArity => "rows-arity",
            Code::RowsDuplicateKey => "rows-duplicate-key",
            Code::DependencyCycle => "dependency-cycle",
            Code::UnsupportedChange => "unsupported-change",
            Code::SnapshotInvalid => "snapshot-invalid",
            Code::SnapshotEdited => "snapshot-edited",
            Code::NotNullWithoutBackfill => "not-null-without-backfill",
            Code::ViewUnknownRelation => "view-unknown-relation",
            Code::ViewOptionInvalid => "view-option-invalid",
            Code::TriggerTimingInvalid => "trigger-timing-invalid",
            Code::UnknownDependency => "unknown-dependency",
            Code::RawWithoutDown => "raw-without-down",
            Code::UnknownSequence => "unknown-sequence",
            Code::UnknownDomain => "unknown-domain",
            Code::UnknownCompositeType => "unknown-composite-type",
            Code::UnknownRangeType => "unknown-range-type",
            Code::SequenceNotInteger => "sequence-not-integer",
            Code::SequenceBadBounds => "sequence-bad-bounds",
            Code::SequenceOwnerMissing => "sequence-owner-missing",
            Code::SerialNotInteger => "serial-not-integer",
            Code::SerialWithDefault => "serial-with-default",
            Code::CompositeWithoutFields => "composite-without-fields",
            Code::PartitionParentNotPartitioned => "partition-parent-not-partitioned",
            Code::PartitionDeclaresColumns => "partition-declares-columns",
            Code::PartitionKeyMissingColumn => "partition-key-missing-column",
            Code::PartitionKeyNotInUnique => "partition-key-not-in-unique",
            Code::PartitionBoundInvalid => "partition-bound-invalid",
            Code::PartitionBoundOverlap => "partition-bound-overlap",
            Code::UnknownRole => "unknown-role",
            Code::GrantUnknownTarget => "grant-unknown-target",
            Code::GrantInvalidPrivilege => "grant-invalid-privilege",
            Code::FunctionDefaultNotTrailing => "function-default-not-trailing",
            Code::FunctionVariadicNotLast => "function-variadic-not-last",
            Code::FunctionRowsWithoutSet => "function-rows-without-set",
            Code::ProcedureAttribute => "procedure-attribute",
            Code::AggregateUnknownFunction => "aggregate-unknown-function",
            Code::RenameSourceMissing => "rename-source-missing",
            Code::RenameSourceDeclared => "rename-source-declared",
            Code::ExclusionNeedsBtreeGist => "exclusion-needs-btree-gist",
            Code::ExclusionInvalid => "exclusion-invalid",
            Code::TriggerTransitionInvalid => "trigger-transition-invalid",
            Code::ConstraintTriggerInvalid => "constraint-trigger-invalid",
            Code::FkSetColumnsInvalid => "fk-set-columns-invalid",
            Code::CollationInvalid => "collation-invalid",
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    /// The object at fault (`core.users`, `core.users.tenant_id`).
    pub object: String,
    pub origin: Origin,
    pub message: String,
    /// The next step.
    pub help: String,
}

impl Diagnostic {
    pub fn new(
        code: Code,
        object: impl Into<String>,
        origin: Origin,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Self {
            code,
            object: object.into(),
            origin,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// ```text
/// error[fk-missing-column]: core.users: foreign key users_tenant_fkey names column tenant, which core.users does not have
///   --> schema/src/core.rs:42
///   = help: declare the column on core.users, or fix the name in the foreign key
/// ```
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names can hold anything a declaration put there; a terminal gets no control
        // characters from them.
        let safe = crate::sql::fragment::comment_safe;
        writeln!(
            f,
            "error[{}]: {}: {}",
            self.code,
            safe(&self.object),
            safe(&self.message)
        )?;
        writeln!(f, "  --> {}", self.origin)?;
        write!(f, "  = help: {}", safe(&self.help))
    }
}

/// Several diagnostics, shown one after another with a count at the end.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}\n")?;
        }
        let n = self.0.len();
        write!(
            f,
            "{n} problem{} found; nothing was written",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl Diagnostics {
    pub fn codes(&self) -> Vec<Code> {
        self.0.iter().map(|d| d.code).collect()
    }
}
