//! Counting the programme's figures once and keeping them (migration 31's
//! pieces): every month since the January before its first referral, a
//! year a transaction (with the cases open at each month's end, and each
//! past year's, financial year's and quarter's roll-up), and the wellbeing changes and wider work of every
//! financial year, calendar year and quarter. A report keeps the months it had to count by itself; this does
//! all of them up front, after loading demo data or a national load, after
//! importing postcodes or the SIMD table (which change every month's
//! figures), or whenever an administrator asks (`linkwork figures keep`).

use crate::{App, AppError, Ctx, Result};
use chrono::NaiveDate;
use linkwork_domain::Permission;
use linkwork_domain::report::{Period, PeriodKind};
use linkwork_store::Db;
use linkwork_store::reports::{self as store, Part};

/// What was kept: months (of every part) and periods (of wellbeing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Kept {
    pub months: usize,
    pub periods: usize,
}

/// Keeps the figures of the programme `grant` is of, up to the month of
/// `today`, telling `progress` how many steps (months and periods) are done
/// of how many.
pub async fn keep_figures(
    db: &Db,
    grant: &linkwork_domain::Grant,
    today: NaiveDate,
    progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<Kept> {
    let mut tx = db.read().await?;
    let first = store::first_month(&mut tx, grant).await?;
    tx.rollback().await?;
    let Some(first) = first else {
        return Ok(Kept::default());
    };
    let last = store::month_number(today);
    // From the January of the first referral's year, so that every year is
    // whole (the months before it are kept empty).
    let first = first.min(last) - first.min(last).rem_euclid(12);
    let months: Vec<i64> = (first..=last).collect();
    let first_day = store::month_days(first).0;
    let mut periods = Vec::new();
    for kind in [
        PeriodKind::FinancialYear,
        PeriodKind::CalendarYear,
        PeriodKind::Quarter,
    ] {
        let mut p = Period::containing(kind, today);
        while p.last >= first_day {
            periods.push((p.first, p.last));
            let before = p.previous();
            if before.first >= p.first {
                break;
            }
            p = before;
        }
    }
    let total = (months.len() + periods.len()) as u64;
    let mut done = 0u64;
    progress(done, total);
    for year in months.chunks(12) {
        let mut tx = db.write().await?;
        for part in Part::ALL {
            store::keep_pieces(&mut tx, grant, part, year).await?;
            // The years (calendar and financial) and quarters over before
            // this month are kept as roll-ups too.
            store::keep_roll_ups(&mut tx, grant, part, year, last).await?;
        }
        store::keep_open_cases(&mut tx, grant, year).await?;
        tx.commit().await?;
        done += year.len() as u64;
        progress(done, total);
    }
    for (first, last) in &periods {
        let mut tx = db.write().await?;
        store::keep_measure_changes(&mut tx, grant, *first, *last).await?;
        store::keep_wider_work(&mut tx, grant, *first, *last).await?;
        tx.commit().await?;
        done += 1;
        progress(done, total);
    }
    linkwork_store::dialect::analyze_figures(db).await?;
    Ok(Kept {
        months: months.len(),
        periods: periods.len(),
    })
}

impl App {
    /// Counts and keeps every month and period of the acting user's
    /// programme's figures (see [`keep_figures`]): for administrators and
    /// managers, who see the whole programme.
    pub async fn keep_figures(
        &self,
        ctx: &Ctx,
        progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<Kept> {
        let grant = ctx
            .actor
            .authorize(Permission::ViewReports)
            .map_err(|e| AppError::Refused(e.to_string()))?;
        if grant.scope().params().1 && grant.scope().made_by().is_none() {
            keep_figures(
                &self.db,
                &grant,
                linkwork_domain::appointment::london_date(self.now()),
                progress,
            )
            .await
        } else {
            Err(AppError::Refused(
                "You can keep the figures of the whole programme only.".into(),
            ))
        }
    }
}
