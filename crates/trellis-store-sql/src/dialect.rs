//! What SQLite and PostgreSQL really do differently, and nothing else: how a transaction begins,
//! row locks, how a list of ids is bound, JSON builders, byte-order collation, bulk inserts and
//! id reservation, constraint names, and how a person's rating history is read.
//!
//! Everything else is written once in the area modules.

use std::future::Future;

use sqlx::encode::IsNull;
use sqlx::error::{BoxDynError, DatabaseError};
use sqlx::postgres::{PgArgumentBuffer, PgRow, PgTypeInfo};
use sqlx::sqlite::{SqliteArgumentsBuffer, SqliteRow, SqliteTypeInfo};
use sqlx::{Encode, Executor, FromRow, PgConnection, Pool, Postgres, QueryBuilder, Row, Sqlite};
use sqlx::{SqliteConnection, Transaction, Type};
use trellis_store::{
    OPEN_ASSESSMENT_EXISTS, PersonId, RaterKind, Rating, StoreError, StoreResult, json_rows,
};

use crate::db_error;

/// The advisory lock held while a reporting line changes on PostgreSQL (an arbitrary constant:
/// "TRLS").
pub(crate) const REPORTING_LINES_LOCK: i64 = 0x5452_4c53;

/// The advisory lock held on PostgreSQL while a change takes the admin role from an active
/// administrator (or deactivates one), so that two such changes cannot each count the other as the
/// administrator left ("TRLA").
pub(crate) const ADMINS_LOCK: i64 = 0x5452_4c41;

/// Rows per multi-row INSERT on SQLite (binds per statement stay well under its 32,766).
const SQLITE_INSERT_ROWS: usize = 500;

pub(crate) trait Dialect: sqlx::Database {
    /// Starts a transaction that writes.
    const BEGIN_WRITE: &'static str;
    /// Starts a transaction whose reads see one snapshot.
    const BEGIN_READ: &'static str;
    /// Appended to a SELECT of a row the transaction goes on to change. SQLite needs none: its
    /// writers hold the database's write lock from `BEGIN IMMEDIATE`.
    const FOR_UPDATE: &'static str;
    /// Appended to a SELECT of a row that must not change until the transaction ends.
    const FOR_SHARE: &'static str;
    /// Held while a reporting line changes, so that two changes cannot close a loop between them.
    const LOCK_REPORTING_LINES: Option<&'static str>;
    /// Takes the lock named by `$1` until the transaction ends (an advisory lock on PostgreSQL).
    /// SQLite needs none: its writers are one at a time from `BEGIN IMMEDIATE`.
    const LOCK_UNTIL_END: Option<&'static str>;
    /// The same for a lock named by the text `$1` (sign-in throttling keys), in a key space of its
    /// own.
    const LOCK_NAME_UNTIL_END: Option<&'static str>;
    /// Held while a framework version's level gaps are recorded and its outcomes' gaps filled in:
    /// it waits for the transactions writing outcomes and makes new ones wait, so that none is
    /// written without its gap (on PostgreSQL; SQLite's writers are one at a time).
    const LOCK_CYCLE_OUTCOMES: Option<&'static str>;
    /// After `lower(name)`: byte order, whatever the server's locale (SQLite's only order).
    const COLLATE_C: &'static str;
    /// JSON builders: an array of values, and an aggregate of rows into an array.
    const JSON_ARRAY: &'static str;
    const JSON_AGG: &'static str;
    /// The select list and `FROM` that bring a person's rating history (person `$1`) into the
    /// statement of `person_record`; read back by [`Dialect::rating_history`].
    const RATING_HISTORY: (&'static str, &'static str);

    /// A list of ids as bound: JSON text on SQLite (expanded by `json_each`), an array on
    /// PostgreSQL. One statement text whatever the number of ids.
    type Ids;
    fn ids(ids: &[i64]) -> Self::Ids;
    /// The condition that `column` is one of the ids bound as `$n`.
    fn in_ids(column: &str, n: u32) -> String;
    /// A stored JSON column, embedded as JSON (not as a string) in a built document.
    fn json_column(column: &str) -> String;

    /// Begins a transaction with `statement`.
    fn begin(
        pool: &Pool<Self>,
        statement: &'static str,
    ) -> impl Future<Output = StoreResult<Transaction<'static, Self>>> + Send;
    /// Takes `n` new ids of `table`, in increasing order, for rows inserted with them.
    fn reserve_ids(
        conn: &mut Self::Connection,
        table: &'static str,
        n: usize,
    ) -> impl Future<Output = Result<Vec<i64>, sqlx::Error>> + Send;
    /// Inserts rows given column by column, in order, in as few statements as is fast.
    fn insert_rows(
        conn: &mut Self::Connection,
        table: &'static str,
        columns: &[Column<'_>],
    ) -> impl Future<Output = Result<(), sqlx::Error>> + Send;
    /// Reads ratings chosen by `from` (a FROM clause and its WHERE, with one bind) in `order`.
    fn ratings<'e, E, B>(
        conn: E,
        from: &str,
        order: &str,
        bind: B,
    ) -> impl Future<Output = Result<Vec<Rating>, sqlx::Error>> + Send
    where
        E: 'e + Executor<'e, Database = Self>,
        B: for<'t> Encode<'t, Self> + Type<Self> + Send;
    /// Whether the planner's statistics are refreshed after a bulk load (on PostgreSQL, so that
    /// the next queries are planned for the tables as they now are rather than as autovacuum last
    /// saw them).
    const ANALYZE_AFTER_BULK: bool;
    /// The rating history of a `person_record` row (see [`Dialect::RATING_HISTORY`]).
    fn rating_history(row: &Self::Row, person: PersonId) -> Result<Vec<Rating>, sqlx::Error>;
}

/// One column of rows to insert, named with its values in row order.
pub(crate) type Column<'a> = (&'static str, Values<'a>);

/// The values of a column, one per row.
#[derive(Debug)]
pub(crate) enum Values<'a> {
    Int(Vec<i64>),
    OptInt(Vec<Option<i64>>),
    Text(Vec<&'a str>),
    OptText(Vec<Option<&'a str>>),
    /// JSON documents as text.
    Json(Vec<String>),
}

impl Values<'_> {
    fn len(&self) -> usize {
        match self {
            Values::Int(v) => v.len(),
            Values::OptInt(v) => v.len(),
            Values::Text(v) => v.len(),
            Values::OptText(v) => v.len(),
            Values::Json(v) => v.len(),
        }
    }
}

/// JSON kept as its text, byte for byte (a framework's key order survives): bound as TEXT on
/// SQLite and as `json` on PostgreSQL.
#[derive(Debug)]
pub(crate) struct JsonText(pub String);

impl Type<Sqlite> for JsonText {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
}

impl Encode<'_, Sqlite> for JsonText {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <String as Encode<Sqlite>>::encode_by_ref(&self.0, buf)
    }
}

impl Type<Postgres> for JsonText {
    fn type_info() -> PgTypeInfo {
        // The `json` type (not `jsonb`, which would reorder keys), whose binary form is its text.
        PgTypeInfo::with_oid(sqlx::postgres::types::Oid(114))
    }
}

impl Encode<'_, Postgres> for JsonText {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <&str as Encode<Postgres>>::encode(self.0.as_str(), buf)
    }
}

/// The message of a uniqueness conflict. PostgreSQL names the constraint; SQLite names the
/// columns in its message (`UNIQUE constraint failed: people.email`).
pub(crate) fn unique_message(db: &dyn DatabaseError) -> &'static str {
    let key = db
        .constraint()
        .unwrap_or_else(|| db.message().rsplit(": ").next().unwrap_or_default());
    match key {
        "people_email_key" | "people.email" => "email is already in use",
        "framework_versions_framework_id_version_key"
        | "framework_versions.framework_id, framework_versions.version" => {
            "this framework version is already published"
        }
        "sessions_pkey"
        | "api_tokens_token_hash_key"
        | "sessions.token_hash"
        | "api_tokens.token_hash" => "token already exists",
        "teams_name_key_key" | "teams.name_key" => "team already exists",
        "assessments_one_open" | "assessments.person_id, assessments.role_level" => {
            OPEN_ASSESSMENT_EXISTS
        }
        "check_ins_pair" | "check_ins.person_id, check_ins.partner_id" => {
            "these two already have check-ins together"
        }
        _ => "already exists",
    }
}

fn json_error(e: StoreError) -> sqlx::Error {
    sqlx::Error::Decode(e.to_string().into())
}

/// The columns of a rating, in the order of its fields (as `json_rows` reads them).
const RATING_FIELDS: &str =
    "id, assessment_id, person_id, skill, rater_kind, rater_id, level, not_applicable, comment, at";

impl Dialect for Sqlite {
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    const BEGIN_READ: &'static str = "BEGIN";
    const FOR_UPDATE: &'static str = "";
    const FOR_SHARE: &'static str = "";
    const LOCK_REPORTING_LINES: Option<&'static str> = None;
    const LOCK_UNTIL_END: Option<&'static str> = None;
    const LOCK_NAME_UNTIL_END: Option<&'static str> = None;
    const LOCK_CYCLE_OUTCOMES: Option<&'static str> = None;
    const COLLATE_C: &'static str = "";
    const JSON_ARRAY: &'static str = "json_array";
    const JSON_AGG: &'static str = "json_group_array";
    const ANALYZE_AFTER_BULK: bool = false;
    const RATING_HISTORY: (&'static str, &'static str) = (
        ", (SELECT json_group_array(json_array(id, assessment_id, person_id, skill, rater_kind, \
         rater_id, level, not_applicable, comment, at)) FROM ratings WHERE person_id = $1) \
         AS ratings",
        "",
    );

    type Ids = String;
    fn ids(ids: &[i64]) -> String {
        serde_json::Value::from(ids).to_string()
    }
    fn in_ids(column: &str, n: u32) -> String {
        format!("{column} IN (SELECT value FROM json_each(${n}))")
    }
    fn json_column(column: &str) -> String {
        // Stored as text: `json()` embeds it as an array rather than a string.
        format!("json({column})")
    }

    async fn begin(
        pool: &Pool<Sqlite>,
        statement: &'static str,
    ) -> StoreResult<Transaction<'static, Sqlite>> {
        pool.begin_with(statement).await.map_err(db_error)
    }

    async fn reserve_ids(
        conn: &mut SqliteConnection,
        table: &'static str,
        n: usize,
    ) -> Result<Vec<i64>, sqlx::Error> {
        // The writer holds the write lock (`BEGIN IMMEDIATE`): nobody else takes ids meanwhile.
        let sql = format!("SELECT coalesce(max(id), 0) + 1 FROM {table}");
        let first: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(conn)
            .await?;
        Ok((first..).take(n).collect())
    }

    async fn insert_rows(
        conn: &mut SqliteConnection,
        table: &'static str,
        columns: &[Column<'_>],
    ) -> Result<(), sqlx::Error> {
        let rows = columns.first().map_or(0, |(_, values)| values.len());
        let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
        let head = format!("INSERT INTO {table} ({}) ", names.join(", "));
        // Multi-row INSERTs of a fixed size: one statement text, so its prepared statement is
        // reused.
        let all: Vec<usize> = (0..rows).collect();
        for chunk in all.chunks(SQLITE_INSERT_ROWS) {
            let mut query = QueryBuilder::<Sqlite>::new(&head);
            query.push_values(chunk, |mut b, &i| {
                for (_, values) in columns {
                    match values {
                        Values::Int(v) => b.push_bind(v[i]),
                        Values::OptInt(v) => b.push_bind(v[i]),
                        Values::Text(v) => b.push_bind(v[i]),
                        Values::OptText(v) => b.push_bind(v[i]),
                        Values::Json(v) => b.push_bind(v[i].as_str()),
                    };
                }
            });
            query.build().execute(&mut *conn).await?;
        }
        Ok(())
    }

    async fn ratings<'e, E, B>(
        conn: E,
        from: &str,
        order: &str,
        bind: B,
    ) -> Result<Vec<Rating>, sqlx::Error>
    where
        E: 'e + Executor<'e, Database = Sqlite>,
        B: for<'t> Encode<'t, Sqlite> + Type<Sqlite> + Send,
    {
        // One JSON array of rows: sqlx hands SQLite rows over one at a time through its worker
        // thread, which costs more than SQLite building one array and serde parsing it (four
        // times more for the 2,250 ratings of a team page).
        let sql =
            format!("SELECT json_group_array(json_array({RATING_FIELDS}) ORDER BY {order}) {from}");
        let text: String = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(bind)
            .fetch_one(conn)
            .await?;
        json_rows::rating_list(&text).map_err(json_error)
    }

    fn rating_history(row: &SqliteRow, _person: PersonId) -> Result<Vec<Rating>, sqlx::Error> {
        let text: Option<&str> = row.try_get("ratings")?;
        json_rows::rating_list(text.unwrap_or("[]")).map_err(json_error)
    }
}

impl Dialect for Postgres {
    const BEGIN_WRITE: &'static str = "BEGIN";
    const BEGIN_READ: &'static str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    const FOR_UPDATE: &'static str = " FOR UPDATE";
    const FOR_SHARE: &'static str = " FOR SHARE";
    const LOCK_REPORTING_LINES: Option<&'static str> = Some("SELECT pg_advisory_xact_lock($1)");
    const LOCK_UNTIL_END: Option<&'static str> = Some("SELECT pg_advisory_xact_lock($1)");
    // The two-key form ("TRLS", hash of the name) does not overlap the one-key locks above.
    const LOCK_NAME_UNTIL_END: Option<&'static str> =
        Some("SELECT pg_advisory_xact_lock(1414679635, hashtext($1))");
    const LOCK_CYCLE_OUTCOMES: Option<&'static str> =
        Some("LOCK TABLE cycle_outcomes IN SHARE ROW EXCLUSIVE MODE");
    const COLLATE_C: &'static str = " COLLATE \"C\"";
    const JSON_ARRAY: &'static str = "json_build_array";
    const JSON_AGG: &'static str = "json_agg";
    const ANALYZE_AFTER_BULK: bool = true;
    // The rating history, by far the longest list, comes as one array per column: building JSON
    // costs PostgreSQL more than anything else in the statement.
    const RATING_HISTORY: (&'static str, &'static str) = (
        ", r.*",
        " FROM (SELECT array_agg(id) AS ids, array_agg(assessment_id) AS assessments, \
         array_agg(skill) AS skills, array_agg(rater_kind) AS kinds, \
         array_agg(rater_id) AS raters, array_agg(level) AS levels, \
         array_agg(not_applicable) AS reasons, array_agg(comment) AS comments, \
         array_agg(at) AS ats FROM ratings WHERE person_id = $1) r",
    );

    type Ids = Vec<i64>;
    fn ids(ids: &[i64]) -> Vec<i64> {
        ids.to_vec()
    }
    fn in_ids(column: &str, n: u32) -> String {
        format!("{column} = ANY(${n})")
    }
    fn json_column(column: &str) -> String {
        column.to_owned()
    }

    /// Starts the transaction in a task of its own, which runs to the end even when the caller is
    /// dropped (a client that went away). sqlx counts a transaction as started only once the
    /// database has answered `BEGIN`: a caller dropped in between would hand the connection back
    /// to the pool inside a transaction nobody ends, and later callers would run in it (read-only,
    /// or aborted after its first error). A transaction dropped after `begin` returns is rolled
    /// back as usual.
    async fn begin(
        pool: &Pool<Postgres>,
        statement: &'static str,
    ) -> StoreResult<Transaction<'static, Postgres>> {
        let pool = pool.clone();
        tokio::spawn(async move { pool.begin_with(statement).await })
            .await
            .map_err(|e| StoreError::Backend(format!("starting a transaction failed: {e}")))?
            .map_err(db_error)
    }

    async fn reserve_ids(
        conn: &mut PgConnection,
        table: &'static str,
        n: usize,
    ) -> Result<Vec<i64>, sqlx::Error> {
        let sql = format!(
            "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)"
        );
        let mut ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(i64::try_from(n).unwrap_or(i64::MAX))
            .fetch_all(conn)
            .await?;
        ids.sort_unstable();
        Ok(ids)
    }

    async fn insert_rows(
        conn: &mut PgConnection,
        table: &'static str,
        columns: &[Column<'_>],
    ) -> Result<(), sqlx::Error> {
        // One statement over UNNESTed column arrays, in order (WITH ORDINALITY).
        let (mut names, mut selects, mut arrays, mut aliases) = (vec![], vec![], vec![], vec![]);
        for (i, (name, values)) in columns.iter().enumerate() {
            let n = i + 1;
            let (array, cast) = match values {
                Values::Int(_) | Values::OptInt(_) => ("bigint[]", ""),
                Values::Text(_) | Values::OptText(_) => ("text[]", ""),
                Values::Json(_) => ("text[]", "::json"),
            };
            names.push(*name);
            selects.push(format!("c{n}{cast}"));
            arrays.push(format!("${n}::{array}"));
            aliases.push(format!("c{n}"));
        }
        let overriding = if names.contains(&"id") {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        let sql = format!(
            "INSERT INTO {table} ({}){overriding} SELECT {} FROM UNNEST({}) WITH ORDINALITY \
             AS u({}, o) ORDER BY o",
            names.join(", "),
            selects.join(", "),
            arrays.join(", "),
            aliases.join(", "),
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (_, values) in columns {
            query = match values {
                Values::Int(v) => query.bind(v.as_slice()),
                Values::OptInt(v) => query.bind(v.as_slice()),
                Values::Text(v) => query.bind(v.as_slice()),
                Values::OptText(v) => query.bind(v.as_slice()),
                Values::Json(v) => query.bind(v.as_slice()),
            };
        }
        query.execute(conn).await?;
        Ok(())
    }

    async fn ratings<'e, E, B>(
        conn: E,
        from: &str,
        order: &str,
        bind: B,
    ) -> Result<Vec<Rating>, sqlx::Error>
    where
        E: 'e + Executor<'e, Database = Postgres>,
        B: for<'t> Encode<'t, Postgres> + Type<Postgres> + Send,
    {
        let sql = format!("SELECT {RATING_FIELDS} {from} ORDER BY {order}");
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(bind)
            .fetch_all(conn)
            .await
    }

    fn rating_history(row: &PgRow, person: PersonId) -> Result<Vec<Rating>, sqlx::Error> {
        /// A person's ratings, one array per column (all null when there are none).
        #[derive(FromRow)]
        struct Columns {
            ids: Option<Vec<i64>>,
            assessments: Option<Vec<i64>>,
            skills: Option<Vec<String>>,
            kinds: Option<Vec<String>>,
            raters: Option<Vec<i64>>,
            levels: Option<Vec<Option<String>>>,
            reasons: Option<Vec<Option<String>>>,
            comments: Option<Vec<Option<String>>>,
            ats: Option<Vec<i64>>,
        }
        let c = Columns::from_row(row)?;
        let ids = c.ids.unwrap_or_default();
        let mut assessments = c.assessments.unwrap_or_default().into_iter();
        let mut skills = c.skills.unwrap_or_default().into_iter();
        let mut kinds = c.kinds.unwrap_or_default().into_iter();
        let mut raters = c.raters.unwrap_or_default().into_iter();
        let mut levels = c.levels.unwrap_or_default().into_iter();
        let mut reasons = c.reasons.unwrap_or_default().into_iter();
        let mut comments = c.comments.unwrap_or_default().into_iter();
        let mut ats = c.ats.unwrap_or_default().into_iter();
        let short = || sqlx::Error::Decode("rating columns of different lengths".into());
        ids.into_iter()
            .map(|id| {
                let kind = kinds.next().ok_or_else(short)?;
                Ok(Rating {
                    id,
                    assessment_id: assessments.next().ok_or_else(short)?,
                    person_id: person,
                    skill: skills.next().ok_or_else(short)?,
                    rater_kind: RaterKind::try_from(kind)
                        .map_err(|e| sqlx::Error::Decode(e.into()))?,
                    rater_id: raters.next().ok_or_else(short)?,
                    level: levels.next().ok_or_else(short)?,
                    not_applicable: reasons.next().ok_or_else(short)?,
                    comment: comments.next().ok_or_else(short)?,
                    at: ats.next().ok_or_else(short)?,
                })
            })
            .collect()
    }
}
