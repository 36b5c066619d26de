//! The registry of job kinds a process runs, and the type-erased face of a kind the runtime
//! drives (a kind's subject and output types stay inside it).

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use sea_orm::{DatabaseTransaction, DbErr};
use uuid::Uuid;

use super::{JobContext, JobKind, Processed, StopSignal, finish};
use entities::job;

/// The kinds this process runs, by name. Built once (`crate::kinds::registry()`); tests add
/// their own kinds with [`Registry::with`].
#[derive(Clone, Default)]
pub struct Registry {
    kinds: HashMap<&'static str, Arc<dyn Registered>>,
}

impl Registry {
    /// Adds a kind. A name registered twice keeps the last one.
    pub fn with<K: JobKind>(mut self, kind: K) -> Self {
        let name = kind.name();
        let previous = self.kinds.insert(name, Arc::new(Entry(Arc::new(kind))));
        debug_assert!(previous.is_none(), "job kind `{name}` registered twice");
        self
    }

    /// The registered names, sorted.
    pub fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self.kinds.keys().copied().collect();
        names.sort_unstable();
        names
    }

    /// Runs every kind's timers (see `JobKind::tick`).
    pub async fn tick(&self, ctx: &JobContext) {
        for kind in self.kinds.values() {
            kind.tick(ctx).await;
        }
    }

    /// The metric label of a stored kind name: the registered name, or `other`.
    pub fn label(&self, name: &str) -> &'static str {
        self.kinds
            .get_key_value(name)
            .map_or(crate::metrics::OTHER, |(name, _)| *name)
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Arc<dyn Registered>> {
        self.kinds.get(name)
    }
}

/// A registered kind, as the runtime sees it.
#[async_trait]
pub(crate) trait Registered: Send + Sync {
    async fn claimed(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<Option<Box<dyn Claimed>>, DbErr>;
    async fn on_exhausted(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<(), DbErr>;
    async fn after_exhausted(&self, ctx: &JobContext, job: &job::Model);
    async fn tick(&self, ctx: &JobContext);
}

/// A claimed job, ready to run.
#[async_trait]
pub(crate) trait Claimed: Send {
    fn scope(&self) -> Uuid;
    /// Runs the job and writes its end through the one finish path.
    async fn run(
        self: Box<Self>,
        ctx: &JobContext,
        job: &job::Model,
        stop: StopSignal,
    ) -> Processed;
}

struct Entry<K>(Arc<K>);

struct ClaimedRun<K: JobKind> {
    kind: Arc<K>,
    subject: K::Subject,
    scope: Uuid,
}

#[async_trait]
impl<K: JobKind> Registered for Entry<K> {
    async fn claimed(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<Option<Box<dyn Claimed>>, DbErr> {
        let Some(subject) = self.0.on_claimed(ctx, txn, job).await? else {
            return Ok(None);
        };
        let scope = self.0.cancel_scope(job, &subject);
        Ok(Some(Box::new(ClaimedRun {
            kind: self.0.clone(),
            subject,
            scope,
        })))
    }

    async fn on_exhausted(
        &self,
        ctx: &JobContext,
        txn: &DatabaseTransaction,
        job: &job::Model,
    ) -> Result<(), DbErr> {
        self.0.on_exhausted(ctx, txn, job).await
    }

    async fn after_exhausted(&self, ctx: &JobContext, job: &job::Model) {
        self.0.after_exhausted(ctx, job).await;
    }

    async fn tick(&self, ctx: &JobContext) {
        self.0.tick(ctx).await;
    }
}

#[async_trait]
impl<K: JobKind> Claimed for ClaimedRun<K> {
    fn scope(&self) -> Uuid {
        self.scope
    }

    async fn run(
        self: Box<Self>,
        ctx: &JobContext,
        job: &job::Model,
        mut stop: StopSignal,
    ) -> Processed {
        let Self {
            kind, mut subject, ..
        } = *self;
        let outcome = kind.run(ctx, job, &mut subject, &mut stop).await;
        finish::finish(ctx, kind.as_ref(), job, &subject, outcome).await
    }
}
