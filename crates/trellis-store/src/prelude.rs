//! The area traits, for code that calls a concrete store (rather than one generic over
//! [`Store`](crate::Store)).

pub use crate::{
    AccountStore, AuditStore, CalibrationStore, CheckInStore, CycleStore, ErasureStore,
    FrameworkStore, GrowthStore, HiringStore, NotificationStore, OverviewStore, PasswordResetStore,
    PeopleImportStore, PeopleStore, PlanStore, PromotionStore, ScheduleStore, SchemaStore,
    SsoStore, Store,
};
