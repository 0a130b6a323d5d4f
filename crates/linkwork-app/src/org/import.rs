//! Importing sites from CSV: the NHS ODS GP practice list (`scotprac` columns)
//! or linkwork's own columns. All or nothing: one bad row and nothing is written.

use crate::gate::Use;
use crate::org::SiteInput;
use crate::{App, AppError, Ctx, Result};
use linkwork_domain::{FieldErrors, Permission};
use linkwork_store::audit;
use linkwork_store::org as store;
use serde::Serialize;
use std::collections::HashMap;

/// What an import did (or, with `dry_run`, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub format: String,
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    /// Rows left out on purpose (e.g. closed practices), with the reason.
    pub skipped: Vec<String>,
    pub dry_run: bool,
}

const MAX_ROWS: usize = 20_000;

pub use linkwork_domain::text::title_case;

fn first_upper(s: String) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => s,
    }
}

enum Format {
    Ods,
    Linkwork,
}

impl App {
    /// Import sites from CSV into the actor's programme. `cluster_id` is where
    /// new sites go when the file does not name a cluster.
    /// A dry run reads (to match existing sites) and writes nothing.
    pub async fn import_sites(
        &self,
        ctx: &Ctx,
        cluster_id: Option<i64>,
        data: &[u8],
        dry_run: bool,
    ) -> Result<ImportReport> {
        let u = if dry_run {
            Use::read(ctx, Permission::ManageOrganisation, "site").of("import")
        } else {
            Use::write(
                ctx,
                Permission::ManageOrganisation,
                "site.import",
                "site",
                "import",
            )
        };
        self.run(u, async |tx, g, ev| {
            let report = self
                .import_sites_in(tx, g, ctx, cluster_id, data, dry_run)
                .await?;
            ev.detail = format!(
                "{} created, {} updated, {} skipped",
                report.created,
                report.updated,
                report.skipped.len()
            );
            Ok(report)
        })
        .await
    }

    async fn import_sites_in(
        &self,
        tx: &mut linkwork_store::Tx,
        grant: &linkwork_domain::Grant,
        ctx: &Ctx,
        cluster_id: Option<i64>,
        data: &[u8],
        dry_run: bool,
    ) -> Result<ImportReport> {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(data);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| AppError::field("file", format!("The file is not CSV: {e}")))?
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').to_lowercase())
            .collect();
        let col: HashMap<&str, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.as_str(), i))
            .collect();
        let format = if col.contains_key("organisation_code") && col.contains_key("name") {
            Format::Ods
        } else if col.contains_key("code") && col.contains_key("name") {
            Format::Linkwork
        } else {
            return Err(AppError::field(
                "file",
                "The file's first line must name its columns: either the NHS ODS practice list \
                 (organisation_code, name, address1, …, postcode, closedate) or code, name, kind, cluster, …",
            ));
        };
        let mut report = ImportReport {
            format: match format {
                Format::Ods => "ods",
                Format::Linkwork => "linkwork",
            }
            .into(),
            dry_run,
            ..Default::default()
        };
        let now = self.now();
        let mut errors = FieldErrors::new();
        let clusters = store::list_clusters(tx, grant).await?;
        if let Some(c) = cluster_id {
            crate::org::check_cluster(tx, grant, c).await?;
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, record) in reader.records().enumerate() {
            let line = i + 2;
            if i >= MAX_ROWS {
                errors.add(
                    "file",
                    format!("The file has more than {MAX_ROWS} rows: split it"),
                );
                break;
            }
            let record = match record {
                Ok(r) => r,
                Err(e) => {
                    errors.add("file", format!("Line {line}: cannot be read ({e})"));
                    continue;
                }
            };
            report.rows += 1;
            let get = |name: &str| {
                col.get(name)
                    .and_then(|&i| record.get(i))
                    .unwrap_or("")
                    .to_owned()
            };
            let code = match format {
                Format::Ods => get("organisation_code"),
                Format::Linkwork => get("code"),
            }
            .to_uppercase();
            if matches!(format, Format::Ods) && !get("closedate").is_empty() {
                report.skipped.push(format!(
                    "Line {line}: {code} closed on {}",
                    get("closedate")
                ));
                continue;
            }
            if let Some(prev) = seen.insert(code.clone(), line) {
                errors.add(
                    "file",
                    format!("Line {line}: code {code} appears again (first on line {prev})"),
                );
                continue;
            }
            let existing = if code.is_empty() {
                None
            } else {
                store::find_site_by_code(tx, grant.programme_id(), &code).await?
            };
            let mut input = existing
                .as_ref()
                .map(SiteInput::from_site)
                .unwrap_or_default();
            match format {
                Format::Ods => {
                    input.code = code.clone();
                    input.practice_code = code.clone();
                    input.name = title_case(&get("name"));
                    input.kind = "gp_practice".into();
                    let parts: Vec<String> = ["address1", "address2", "address3", "city"]
                        .iter()
                        .map(|c| title_case(&get(c)))
                        .filter(|s| !s.is_empty())
                        .collect();
                    input.address = parts.join(", ");
                    input.postcode = get("postcode");
                }
                Format::Linkwork => {
                    input.code = code.clone();
                    input.name = get("name");
                    for (field, target) in [
                        ("kind", &mut input.kind),
                        ("practice_code", &mut input.practice_code),
                        ("list_size", &mut input.list_size),
                        ("deep_end", &mut input.deep_end),
                        ("address", &mut input.address),
                        ("postcode", &mut input.postcode),
                        ("phone", &mut input.phone),
                        ("active", &mut input.active),
                    ] {
                        if col.contains_key(field) {
                            *target = get(field);
                        }
                    }
                    let cluster_name = get("cluster");
                    if !cluster_name.is_empty() {
                        match clusters
                            .iter()
                            .find(|c| c.name.eq_ignore_ascii_case(&cluster_name))
                        {
                            Some(c) => input.cluster_id = c.id.to_string(),
                            None => {
                                errors.add(
                                    "file",
                                    format!(
                                        "Line {line}: there is no cluster called {cluster_name}"
                                    ),
                                );
                                continue;
                            }
                        }
                    }
                }
            }
            if input.cluster_id.is_empty() {
                match cluster_id {
                    Some(c) => input.cluster_id = c.to_string(),
                    None => {
                        errors.add(
                            "file",
                            format!("Line {line}: choose the cluster that new sites go into"),
                        );
                        continue;
                    }
                }
            }
            let fields = match input.parse() {
                Ok(f) => f,
                Err(fe) => {
                    for e in fe.0 {
                        errors.add(
                            "file",
                            format!(
                                "Line {line} ({code}): {}: {}",
                                e.field,
                                first_upper(e.message)
                            ),
                        );
                    }
                    continue;
                }
            };
            if !errors.is_empty() {
                continue;
            }
            match (existing, dry_run) {
                (Some(_), true) => report.updated += 1,
                (None, true) => report.created += 1,
                (Some(s), false) => {
                    store::update_site(tx, grant, s.id, s.version, &fields, now).await?;
                    let mut ev = ctx.event("site.update", "site", s.id);
                    ev.detail = format!("import line {line}: {} {}", fields.code, fields.name);
                    audit::append(tx, &ev, now).await?;
                    report.updated += 1;
                }
                (None, false) => {
                    let id = store::create_site(tx, grant, &fields, now).await?;
                    let mut ev = ctx.event("site.create", "site", id);
                    ev.detail = format!("import line {line}: {} {}", fields.code, fields.name);
                    audit::append(tx, &ev, now).await?;
                    report.created += 1;
                }
            }
        }
        if !errors.is_empty() {
            errors.0.truncate(200);
            return Err(AppError::Invalid(errors));
        }
        Ok(report)
    }
}
