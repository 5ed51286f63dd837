use crate::error::ErrorCode;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Converts a stored UTC time to an RFC 3339 timestamp.
pub fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    /// The entries.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T: ToSchema> Page<T> {
    /// Builds a page from up to `limit + 1` fetched rows: the extra row only tells that there is
    /// a next page, whose cursor is taken from the last row shown.
    pub fn from_rows<R>(
        mut rows: Vec<R>,
        limit: i64,
        cursor: impl Fn(&R) -> String,
        view: impl Fn(&R) -> T,
    ) -> Self {
        let limit = usize::try_from(limit).unwrap_or(0);
        let more = rows.len() > limit;
        rows.truncate(limit);
        Self {
            next_cursor: if more { rows.last().map(&cursor) } else { None },
            items: rows.iter().map(view).collect(),
        }
    }
}

/// `?limit=&cursor=` of list endpoints.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1–500 (default 100).
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page size, 1–500 (`default` when absent).
    pub fn limit_or(&self, default: i64) -> Result<i64, crate::ApiError> {
        let limit = self.limit.unwrap_or(default);
        if (1..=500).contains(&limit) {
            Ok(limit)
        } else {
            Err(crate::ApiError::new(
                ErrorCode::InvalidQuery,
                "limit must be between 1 and 500",
            ))
        }
    }

    /// The cursor as a row id (`None` on the first page).
    pub fn id_cursor(&self) -> Result<Option<i64>, crate::ApiError> {
        match self.cursor.as_deref() {
            None | Some("") => Ok(None),
            Some(c) => c.parse().map(Some).map_err(|_| bad_cursor()),
        }
    }
}

/// 400 `invalid_cursor`.
pub fn bad_cursor() -> crate::ApiError {
    crate::ApiError::new(ErrorCode::InvalidCursor, "malformed cursor")
}

/// Converts epoch milliseconds to a UTC timestamp.
pub fn from_ms(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
}
