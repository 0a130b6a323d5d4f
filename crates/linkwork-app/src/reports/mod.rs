//! The programme's figures for a period and a scope, beside the period
//! before: activity, timeliness, caseloads, why people come, onward support
//! and its outcomes, wellbeing, who is reached. Counted in one place
//! ([`figures`]) from the rows the store gives, so the page, the API, the
//! CSV and the per-practice table agree, and the practices' figures add up
//! to the programme's.

pub mod export;
pub mod figures;
pub mod keep;
pub mod value;

use crate::gate::Use;
use crate::{App, AppError, Ctx, Result};
use figures::Rows;
use linkwork_domain::Permission;
use linkwork_domain::report::{
    Period, PeriodKind, ScopeName, ValueEstimate, ValueSettings, cost_in, value_estimate,
};
use linkwork_store::reports::{self as store, Scope, ScopeOption};
use serde::{Deserialize, Serialize};

pub use figures::{Breakdown, Figure, Figures, Unit};

/// A report as asked for (a form's or the API's query parameters).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ReportInput {
    /// `2024-03` (a month), `2024Q1` (January to March), `2024-25` (a
    /// financial year, April to March), `2024-25Q1` (April to June 2024),
    /// `2024` (a calendar year), `2024-01-01..2024-02-15`; empty: the last
    /// full quarter.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub period: String,
    /// `programme`, `area:NAME`, `cluster:NAME`, `practice:CODE`,
    /// `worker:EMAIL`; empty: the programme (a link worker: their practices).
    #[serde(deserialize_with = "crate::lenient::string")]
    pub scope: String,
}

/// A report: the figures of a period and scope beside the period before.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub period: Period,
    pub previous: Period,
    /// The scope as typed back (`area:Glasgow North`) and in words.
    pub scope: String,
    pub scope_label: String,
    pub figures: Figures,
    /// How the social value was estimated, and the estimate of the period
    /// and of the one before.
    pub value_settings: ValueSettings,
    pub value: [ValueEstimate; 2],
    /// The scope as the referrals list's filter (`site_id=3`, `area_id=2`,
    /// …; empty for the programme), for links from figures to records.
    pub records_filter: String,
}

/// Pounds as people read them: whole pounds from £100 up, pence below.
pub fn money(x: f64) -> String {
    let sign = if x < 0.0 { "−" } else { "" };
    let a = x.abs();
    if a >= 100.0 {
        let whole = format!("{:.0}", a);
        let mut out = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        format!("{sign}£{out}")
    } else {
        format!("{sign}£{a:.2}")
    }
}

/// The social value section: WELLBYs, their value (central, low, high),
/// the cost and the value for each pound spent.
fn value_section(v: &[ValueEstimate; 2]) -> figures::Section {
    let f = |measure: &'static str,
             label: &'static str,
             unit: Unit,
             get: &dyn Fn(&ValueEstimate) -> Option<f64>| Figure {
        measure,
        label,
        unit,
        value: get(&v[0]),
        previous: get(&v[1]),
    };
    figures::Section {
        title: "Social value",
        figures: vec![
            f(
                "value_people",
                "People whose life satisfaction change is valued",
                Unit::Count,
                &|e| Some(e.people as f64),
            ),
            f(
                "value_wellbys",
                "WELLBYs (points of life satisfaction for a year, after adjustments)",
                Unit::Number,
                &|e| Some(e.wellbys),
            ),
            f(
                "value_central",
                "Wellbeing value (central)",
                Unit::Pounds,
                &|e| Some(e.value),
            ),
            f("value_low", "Wellbeing value (low)", Unit::Pounds, &|e| {
                Some(e.low)
            }),
            f("value_high", "Wellbeing value (high)", Unit::Pounds, &|e| {
                Some(e.high)
            }),
            f(
                "programme_cost",
                "Programme cost in the period",
                Unit::Pounds,
                &|e| e.cost,
            ),
            f(
                "value_per_pound",
                "Wellbeing value for each £1 spent (central)",
                Unit::Pounds,
                &|e| e.per_pound,
            ),
            f(
                "value_per_pound_low",
                "Wellbeing value for each £1 spent (low)",
                Unit::Pounds,
                &|e| e.per_pound_low,
            ),
            f(
                "value_per_pound_high",
                "Wellbeing value for each £1 spent (high)",
                Unit::Pounds,
                &|e| e.per_pound_high,
            ),
        ],
        breakdowns: vec![],
    }
}

/// What a report can be scoped to, for the form.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ScopeChoices {
    pub areas: Vec<ScopeOption>,
    pub clusters: Vec<ScopeOption>,
    pub practices: Vec<ScopeOption>,
    pub workers: Vec<ScopeOption>,
    /// Whether the whole programme may be chosen.
    pub programme: bool,
}

impl ScopeChoices {
    /// Every choice as (value, label), the programme first.
    pub fn options(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if self.programme {
            out.push(("programme".to_owned(), "The whole programme".to_owned()));
        }
        for (kind, word, list) in [
            ("area", "Area", &self.areas),
            ("cluster", "Cluster", &self.clusters),
            ("practice", "Practice", &self.practices),
            ("worker", "Link worker", &self.workers),
        ] {
            for o in list {
                out.push((format!("{kind}:{}", o.key), format!("{word}: {}", o.label)));
            }
        }
        out
    }
}

/// The last full quarter before `today`.
pub fn default_period(today: chrono::NaiveDate) -> Period {
    Period::containing(PeriodKind::Quarter, today).previous()
}

impl App {
    /// What the acting user may scope reports to.
    pub async fn report_scopes(&self, ctx: &Ctx) -> Result<ScopeChoices> {
        self.read(
            Use::read(ctx, Permission::ViewReports, "report"),
            async |tx, g| {
                let [areas, clusters, practices, workers] = store::scope_options(tx, g).await?;
                Ok(ScopeChoices {
                    programme: g.scope().params().1,
                    areas,
                    clusters,
                    practices,
                    workers,
                })
            },
        )
        .await
    }

    /// The figures of a period and scope, beside the period before.
    /// Audited: who ran which report, for which scope and period.
    pub async fn report(&self, ctx: &Ctx, input: &ReportInput) -> Result<Report> {
        let today = linkwork_domain::appointment::london_date(self.now());
        let mut e = linkwork_domain::FieldErrors::new();
        let period = match input.period.trim() {
            "" => Some(default_period(today)),
            raw => e.check("period", Period::parse(raw)),
        };
        let scope_name = e.check("scope", ScopeName::parse(&input.scope));
        e.into_result()?;
        let (period, scope_name) = (
            period.unwrap_or_else(|| default_period(today)),
            scope_name.unwrap_or(ScopeName::Programme),
        );
        let previous = period.previous();
        // The same report asked again by the same kind of user while the
        // pieces its first asking counted are being kept waits for them,
        // rather than counting everything again beside the keeping; unless
        // figures are kept in memory, where the first asking's are found
        // (keeping pieces does not change the data version).
        let keeping_key = format!(
            "{}|{:?}|{:?}|{scope_name:?}|{}",
            ctx.actor.programme_id,
            ctx.actor.role,
            ctx.actor.site_ids,
            period.code()
        );
        if self.settings.figures_cache == 0 {
            let pending = self
                .keeping
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .iter()
                .find(|k| k.key == keeping_key && !k.handle.is_finished())
                .map(|k| k.done.clone());
            if let Some(mut done) = pending {
                let _ = done.changed().await;
            }
        }
        let u = Use::tally(
            ctx,
            Permission::ViewReports,
            "report.view",
            "report",
            "dashboard",
        );
        // Months of the programme's figures counted afresh, kept after.
        let mut keep: Option<(linkwork_domain::Grant, figures::Rows)> = None;
        let report = self
            .run(u, async |tx, g, ev| {
                let [areas, clusters, practices, workers] = store::scope_options(tx, g).await?;
                let whole = g.scope().params().1;
                let find = |list: &[ScopeOption], key: &str, what: &str| {
                    list.iter()
                        .find(|o| o.key.eq_ignore_ascii_case(key))
                        .map(|o| (o.id, o.label.clone()))
                        .ok_or_else(|| {
                            AppError::field(
                                "scope",
                                format!("There is no {what} {key} you can report on"),
                            )
                        })
                };
                let (scope, label, typed) = match &scope_name {
                    // A link worker's "programme" is their own practices.
                    ScopeName::Programme if whole => (
                        Scope::Programme,
                        "The whole programme".to_owned(),
                        "programme".to_owned(),
                    ),
                    ScopeName::Programme => (
                        Scope::Programme,
                        "Your practices".to_owned(),
                        "programme".to_owned(),
                    ),
                    ScopeName::Area(n) => {
                        let (id, l) = find(&areas, n, "area")?;
                        (Scope::Area(id), format!("Area: {l}"), format!("area:{l}"))
                    }
                    ScopeName::Cluster(n) => {
                        let (id, l) = find(&clusters, n, "cluster")?;
                        (
                            Scope::Cluster(id),
                            format!("Cluster: {l}"),
                            format!("cluster:{l}"),
                        )
                    }
                    ScopeName::Practice(n) => {
                        let (id, l) = find(&practices, n, "practice with code")?;
                        (
                            Scope::Practice(id),
                            format!("Practice: {l}"),
                            format!("practice:{n}"),
                        )
                    }
                    ScopeName::Worker(n) => {
                        let (id, l) = find(&workers, n, "link worker")?;
                        (
                            Scope::Worker(id),
                            format!("Link worker: {l}"),
                            format!("worker:{n}"),
                        )
                    }
                };
                ev.object_id = typed.clone();
                ev.detail = format!("{} ({})", period.code(), period.label());
                // Counted afresh unless this node counted the same figures at
                // the data version this snapshot sees.
                let version = linkwork_store::reports::data_version(tx, g.programme_id()).await?;
                let key = format!(
                    "{:?}|{scope:?}|{}|{}",
                    g.scope().params(),
                    period.code(),
                    previous.code()
                );
                let mut figures = match self.figures.get(&key, version) {
                    Some(f) => (*f).clone(),
                    None => {
                        // Counted on two connections at once where a second
                        // one sees the same data.
                        let mut twin = self.db.snapshot_beside(tx, g.programme_id()).await?;
                        let rows =
                            Rows::read(tx, twin.as_mut(), g, scope, period, previous).await?;
                        if let Some(t) = twin {
                            t.rollback().await?;
                        }
                        if rows.keep.iter().any(|(_, months)| !months.is_empty())
                            || !rows.keep_measures.is_empty()
                            || !rows.keep_wider.is_empty()
                            || !rows.keep_open.is_empty()
                        {
                            keep = Some((
                                g.clone(),
                                Rows {
                                    keep: rows.keep.clone(),
                                    keep_measures: rows.keep_measures.clone(),
                                    keep_wider: rows.keep_wider.clone(),
                                    keep_open: rows.keep_open.clone(),
                                    ..Rows::default()
                                },
                            ));
                        }
                        let names = figures::Names::read(tx, g).await?;
                        let f = figures::compute(&rows, &names, period, previous);
                        self.figures.put(
                            key,
                            version,
                            std::sync::Arc::new(f.clone()),
                            self.settings.figures_cache,
                        );
                        f
                    }
                };
                // The social value: the programme's costs count only when the
                // figures are the whole programme's.
                let (settings, _) = linkwork_store::value::settings(tx, g).await?;
                let costs = if whole && scope == Scope::Programme {
                    Some(linkwork_store::value::costs(tx, g).await?)
                } else {
                    None
                };
                let estimate = |p: Period, changes: &[f64]| {
                    let cost = costs.as_ref().filter(|c| !c.is_empty()).map(|list| {
                        list.iter()
                            .map(|c| {
                                cost_in(c.first_day, c.last_day, c.amount_pence as f64 / 100.0, p)
                            })
                            .sum::<f64>()
                    });
                    value_estimate(changes, &settings, cost)
                };
                let value = [
                    estimate(period, &figures.life_satisfaction[0]),
                    estimate(previous, &figures.life_satisfaction[1]),
                ];
                figures.sections.push(value_section(&value));
                Ok(Report {
                    figures,
                    period,
                    previous,
                    scope: typed,
                    scope_label: label,
                    value_settings: settings,
                    value,
                    records_filter: match scope {
                        Scope::Programme => String::new(),
                        Scope::Area(id) => format!("area_id={id}"),
                        Scope::Cluster(id) => format!("cluster_id={id}"),
                        Scope::Practice(id) => format!("site_id={id}"),
                        Scope::Worker(id) => format!("link_worker_id={id}"),
                    },
                })
            })
            .await?;
        // Kept after answering (derived data: the report already has its
        // figures), in a write of its own.
        if let Some((g, rows)) = keep {
            let mut list = self
                .keeping
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            list.retain(|k| !k.handle.is_finished());
            if !list.iter().any(|k| k.key == keeping_key) {
                let app = self.clone();
                let (done_tx, done) = tokio::sync::watch::channel(());
                let handle = tokio::spawn(async move {
                    app.keep_pieces(&g, &rows).await;
                    drop(done_tx);
                });
                list.push(crate::Keeping {
                    key: keeping_key,
                    handle,
                    done,
                });
            }
        }
        Ok(report)
    }

    /// Keeps months of the programme's figures as pieces, in a short write
    /// of their own (derived data: not audited, and a failure costs only
    /// counting them again next time, so it is logged, not shown).
    async fn keep_pieces(&self, g: &linkwork_domain::Grant, rows: &Rows) {
        let kept: Result<()> = async {
            let mut tx = self.db.write().await?;
            // The months, then the roll-ups holding them over before this
            // month (a past year or quarter changed again).
            let this_month =
                store::month_number(linkwork_domain::appointment::london_date(self.now()));
            for (part, months) in &rows.keep {
                store::keep_pieces(&mut tx, g, *part, months).await?;
                store::keep_roll_ups(&mut tx, g, *part, months, this_month).await?;
            }
            for (first, last) in &rows.keep_measures {
                store::keep_measure_changes(&mut tx, g, *first, *last).await?;
            }
            for (first, last) in &rows.keep_wider {
                store::keep_wider_work(&mut tx, g, *first, *last).await?;
            }
            store::keep_open_cases(&mut tx, g, &rows.keep_open).await?;
            tx.commit().await?;
            Ok(())
        }
        .await;
        if let Err(e) = kept {
            tracing::warn!(error = %e, "months of the figures not kept");
        }
    }
}

/// The report's rows as text (`measure`, value, previous), for a CSV or a
/// spreadsheet. With `sharing` (a threshold), counts from 1 to threshold
/// less one are shown as "<threshold", and in each breakdown and in each
/// per-practice column another count is hidden ("*") where one hidden
/// count could be worked back from the total. Figures that are not counts
/// (rates, means, days) are left out of a shared report when any of the
/// counts they come from is hidden.
pub fn shared_rows(figures: &Figures, sharing: Option<i64>) -> Vec<(String, String, String)> {
    use linkwork_domain::report::{Shown, suppress};
    let text = |v: Option<f64>, unit: Unit| match v {
        None => String::new(),
        Some(x) if unit == Unit::Count => format!("{}", x.round() as i64),
        Some(x) if unit == Unit::Pounds => format!("{x:.2}"),
        Some(x) => format!("{x:.1}"),
    };
    let Some(threshold) = sharing else {
        return figures
            .rows()
            .into_iter()
            .map(|(m, v, p, unit)| (m, text(v, unit), text(p, unit)))
            .collect();
    };
    let one = |n: Option<f64>| -> String {
        match n.map(|x| x.round() as i64) {
            None => String::new(),
            Some(n) => suppress(&[vec![n]], threshold)[0][0].text(threshold),
        }
    };
    let mut out = Vec::new();
    for s in &figures.sections {
        // A rate or mean from a small count could give it away: shown only
        // when every count of its section is shown in full.
        let small = s.figures.iter().any(|f| {
            f.unit == Unit::Count
                && [f.value, f.previous]
                    .iter()
                    .flatten()
                    .any(|x| *x >= 1.0 && (*x as i64) < threshold)
        });
        for f in &s.figures {
            let (v, p) = if f.unit == Unit::Count {
                (one(f.value), one(f.previous))
            } else if small {
                ("*".to_owned(), "*".to_owned())
            } else {
                (text(f.value, f.unit), text(f.previous, f.unit))
            };
            out.push((f.measure.to_owned(), v, p));
        }
        for b in &s.breakdowns {
            let now: Vec<i64> = b.rows.iter().map(|r| r.value).collect();
            let before: Vec<i64> = b.rows.iter().map(|r| r.previous).collect();
            let (now, before) = (suppress(&[now], threshold), suppress(&[before], threshold));
            for (i, r) in b.rows.iter().enumerate() {
                let t = |x: &[Vec<Shown>]| x[0][i].text(threshold);
                out.push((format!("{}.{}", b.measure, r.key), t(&now), t(&before)));
            }
        }
    }
    out
}

/// The report as CSV: one row per measure (`measure,value,previous`, then
/// the period, the period before and the scope), the measure names stable
/// across releases (docs/REPORTING.md). `sharing`: see [`shared_rows`].
pub fn csv(r: &Report, sharing: Option<i64>) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let _ = w.write_record([
        "measure",
        "value",
        "previous",
        "period",
        "previous_period",
        "scope",
    ]);
    let (p, pp) = (r.period.code(), r.previous.code());
    for (m, v, prev) in shared_rows(&r.figures, sharing) {
        let _ = w.write_record([m.as_str(), &v, &prev, &p, &pp, &r.scope]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Figures this node has counted, each with the programme's data version
/// it was counted at (read in the report's own snapshot).
pub type FiguresCache = crate::kept::Kept<Figures>;
