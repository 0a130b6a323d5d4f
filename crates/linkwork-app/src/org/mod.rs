//! Areas, clusters and sites: the organisation of a programme.

pub mod import;

use crate::gate::Use;
use crate::{App, AppError, Ctx, Result};
use linkwork_domain::text::{self, Postcode, SiteKind};
use linkwork_domain::{FieldErrors, Permission};
use linkwork_store::org::{self as store, SiteFields};
pub use linkwork_store::org::{Area, Cluster, Programme, Site, SiteFilter};
use serde::Deserialize;

/// A site as typed into a form or sent as JSON. Every field is text (or
/// absent) so that bad input can be shown back to the person who typed it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct SiteInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub cluster_id: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub code: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub name: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub kind: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub practice_code: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub list_size: String,
    /// `yes`/`no` (forms) or `true`/`false`.
    #[serde(deserialize_with = "crate::lenient::yes_no")]
    pub deep_end: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub address: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub postcode: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub phone: String,
    /// `yes`/`no`; blank means active.
    #[serde(deserialize_with = "crate::lenient::yes_no")]
    pub active: String,
}

fn yes_no(raw: &str, default: bool) -> Result<bool, String> {
    match raw.trim().to_lowercase().as_str() {
        "" => Ok(default),
        "yes" | "true" | "on" | "1" => Ok(true),
        "no" | "false" | "off" | "0" => Ok(false),
        _ => Err("Choose yes or no".into()),
    }
}

impl SiteInput {
    /// Parse every field, gathering all errors at once.
    pub fn parse(&self) -> Result<SiteFields, FieldErrors> {
        let mut e = FieldErrors::new();
        // In the order of the form, so the error summary reads top to bottom.
        let name = e.check(
            "name",
            text::required_text(&self.name, "the site name", 200),
        );
        let code = e.check("code", text::site_code(&self.code));
        let kind = e.check("kind", SiteKind::parse(&self.kind));
        let cluster_id = e.check(
            "cluster_id",
            self.cluster_id
                .trim()
                .parse::<i64>()
                .map_err(|_| "Choose the cluster this site belongs to"),
        );
        let practice_code = if self.practice_code.trim().is_empty() {
            if kind == Some(SiteKind::GpPractice) {
                e.add(
                    "practice_code",
                    "Enter the practice code of a GP practice, like S43021",
                );
            }
            None
        } else {
            e.check("practice_code", text::practice_code(&self.practice_code))
        };
        let list_size = if self.list_size.trim().is_empty() {
            None
        } else {
            e.check(
                "list_size",
                self.list_size
                    .trim()
                    .replace(',', "")
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (0..=200_000).contains(n))
                    .ok_or("List size must be a whole number from 0 to 200,000"),
            )
        };
        let deep_end = e.check("deep_end", yes_no(&self.deep_end, false));
        let address = e.check(
            "address",
            text::optional_text(&self.address, "the address", 500),
        );
        let postcode = if self.postcode.trim().is_empty() {
            None
        } else {
            e.check("postcode", Postcode::parse(&self.postcode))
                .map(|p| p.as_str().to_owned())
        };
        let phone = e.check(
            "phone",
            text::optional_text(&self.phone, "the phone number", 40),
        );
        let active = e.check("active", yes_no(&self.active, true));
        e.into_result()?;
        match (
            cluster_id, code, name, kind, deep_end, address, phone, active,
        ) {
            (
                Some(cluster_id),
                Some(code),
                Some(name),
                Some(kind),
                Some(deep_end),
                Some(address),
                Some(phone),
                Some(active),
            ) => Ok(SiteFields {
                cluster_id,
                code,
                name,
                kind: kind.code().into(),
                practice_code,
                list_size,
                deep_end,
                address,
                postcode,
                phone,
                active,
            }),
            _ => Err(FieldErrors::single("name", "Check the site details")),
        }
    }

    pub fn from_site(s: &Site) -> SiteInput {
        SiteInput {
            cluster_id: s.cluster_id.to_string(),
            code: s.code.clone(),
            name: s.name.clone(),
            kind: s.kind.code().into(),
            practice_code: s.practice_code.clone().unwrap_or_default(),
            list_size: s.list_size.map(|n| n.to_string()).unwrap_or_default(),
            deep_end: if s.deep_end { "yes" } else { "no" }.into(),
            address: s.address.clone().unwrap_or_default(),
            postcode: s.postcode.clone().unwrap_or_default(),
            phone: s.phone.clone().unwrap_or_default(),
            active: if s.active { "yes" } else { "no" }.into(),
        }
    }
}

/// A named thing (area, cluster) as typed in.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
#[serde(default)]
pub struct NameInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub name: String,
    /// For clusters: the area it belongs to.
    #[serde(deserialize_with = "crate::lenient::string")]
    pub area_id: String,
}

fn parse_name(raw: &str, what: &str) -> Result<String> {
    text::required_text(raw, what, 120).map_err(|m| AppError::field("name", m))
}

/// A cluster's name and area, with both errors at once.
fn parse_cluster(input: &NameInput) -> Result<(String, i64)> {
    let mut errors = FieldErrors::new();
    let name = errors.check(
        "name",
        text::required_text(&input.name, "the cluster name", 120),
    );
    let area_id = errors.check(
        "area_id",
        input
            .area_id
            .trim()
            .parse::<i64>()
            .map_err(|_| "Choose the area this cluster belongs to"),
    );
    errors.into_result()?;
    match (name, area_id) {
        (Some(name), Some(area_id)) => Ok((name, area_id)),
        _ => Err(AppError::field("name", "Enter the cluster name")),
    }
}

impl App {
    /// The programme's areas (every member of staff may see them).
    pub async fn list_areas(&self, ctx: &Ctx) -> Result<Vec<Area>> {
        self.read(
            Use::read(ctx, Permission::ViewProgramme, "area"),
            async |tx, g| Ok(store::list_areas(tx, g).await?),
        )
        .await
    }

    pub async fn get_area(&self, ctx: &Ctx, id: i64) -> Result<Area> {
        self.read(
            Use::read(ctx, Permission::ViewProgramme, "area").of(id),
            async |tx, g| Ok(store::get_area(tx, g, id).await?),
        )
        .await
    }

    pub async fn create_area(&self, ctx: &Ctx, input: &NameInput) -> Result<i64> {
        let u = Use::write(
            ctx,
            Permission::ManageOrganisation,
            "area.create",
            "area",
            "new",
        );
        self.run(u, async |tx, g, ev| {
            let name = parse_name(&input.name, "the area name")?;
            let id = store::create_area(tx, g, &name, self.now())
                .await
                .map_err(AppError::from)
                .map_err(AppError::duplicate_on("name"))?;
            ev.object_id = id.to_string();
            ev.detail = name;
            Ok(id)
        })
        .await
    }

    pub async fn update_area(
        &self,
        ctx: &Ctx,
        id: i64,
        version: i64,
        input: &NameInput,
    ) -> Result<()> {
        let u = Use::write(
            ctx,
            Permission::ManageOrganisation,
            "area.update",
            "area",
            id,
        );
        self.run(u, async |tx, g, ev| {
            let name = parse_name(&input.name, "the area name")?;
            store::update_area(tx, g, id, version, &name, self.now())
                .await
                .map_err(AppError::from)
                .map_err(AppError::duplicate_on("name"))?;
            ev.detail = name;
            Ok(())
        })
        .await
    }

    /// The programme's clusters (every member of staff may see them).
    pub async fn list_clusters(&self, ctx: &Ctx) -> Result<Vec<Cluster>> {
        self.read(
            Use::read(ctx, Permission::ViewProgramme, "cluster"),
            async |tx, g| Ok(store::list_clusters(tx, g).await?),
        )
        .await
    }

    pub async fn get_cluster(&self, ctx: &Ctx, id: i64) -> Result<Cluster> {
        self.read(
            Use::read(ctx, Permission::ViewProgramme, "cluster").of(id),
            async |tx, g| Ok(store::get_cluster(tx, g, id).await?),
        )
        .await
    }

    pub async fn create_cluster(&self, ctx: &Ctx, input: &NameInput) -> Result<i64> {
        let u = Use::write(
            ctx,
            Permission::ManageOrganisation,
            "cluster.create",
            "cluster",
            "new",
        );
        self.run(u, async |tx, g, ev| {
            let (name, area_id) = parse_cluster(input)?;
            let id = store::create_cluster(tx, g, area_id, &name, self.now())
                .await
                .map_err(|e| match e {
                    linkwork_store::StoreError::NotFound => {
                        AppError::field("area_id", "Choose an area of this programme")
                    }
                    e => AppError::from(e),
                })
                .map_err(AppError::duplicate_on("name"))?;
            ev.object_id = id.to_string();
            ev.detail = name;
            Ok(id)
        })
        .await
    }

    pub async fn update_cluster(
        &self,
        ctx: &Ctx,
        id: i64,
        version: i64,
        input: &NameInput,
    ) -> Result<()> {
        let u = Use::write(
            ctx,
            Permission::ManageOrganisation,
            "cluster.update",
            "cluster",
            id,
        );
        self.run(u, async |tx, g, ev| {
            let (name, area_id) = parse_cluster(input)?;
            store::update_cluster(tx, g, id, version, area_id, &name, self.now())
                .await
                .map_err(AppError::from)
                .map_err(AppError::duplicate_on("name"))?;
            ev.detail = name;
            Ok(())
        })
        .await
    }

    /// Sites the actor may see, narrowed inside the query.
    pub async fn list_sites(&self, ctx: &Ctx, filter: &SiteFilter) -> Result<(Vec<Site>, i64)> {
        self.read(
            Use::read(ctx, Permission::ViewSites, "site"),
            async |tx, g| Ok(store::list_sites(tx, g.scope(), filter).await?),
        )
        .await
    }

    /// One site, if the actor may see it; otherwise not found (and audited).
    pub async fn get_site(&self, ctx: &Ctx, id: i64) -> Result<Site> {
        self.read(
            Use::read(ctx, Permission::ViewSites, "site").of(id),
            async |tx, g| Ok(store::get_site(tx, g.scope(), id).await?),
        )
        .await
    }

    pub async fn create_site(&self, ctx: &Ctx, input: &SiteInput) -> Result<i64> {
        let u = Use::write(
            ctx,
            Permission::ManageOrganisation,
            "site.create",
            "site",
            "new",
        );
        self.run(u, async |tx, g, ev| {
            let fields = input.parse()?;
            check_cluster(tx, g, fields.cluster_id).await?;
            let id = store::create_site(tx, g, &fields, self.now())
                .await
                .map_err(site_error)?;
            ev.object_id = id.to_string();
            ev.detail = format!("{} {}", fields.code, fields.name);
            Ok(id)
        })
        .await
    }

    pub async fn update_site(
        &self,
        ctx: &Ctx,
        id: i64,
        version: i64,
        input: &SiteInput,
    ) -> Result<()> {
        let u = Use::write(
            ctx,
            Permission::ManageOrganisation,
            "site.update",
            "site",
            id,
        );
        self.run(u, async |tx, g, ev| {
            let fields = input.parse()?;
            check_cluster(tx, g, fields.cluster_id).await?;
            store::update_site(tx, g, id, version, &fields, self.now())
                .await
                .map_err(site_error)?;
            ev.detail = format!("{} {}", fields.code, fields.name);
            Ok(())
        })
        .await
    }
}

fn site_error(e: linkwork_store::StoreError) -> AppError {
    match e {
        linkwork_store::StoreError::Duplicate(_) => AppError::field(
            "code",
            "A site with this code already exists in the programme",
        ),
        e => e.into(),
    }
}

/// A site's cluster must be one of the programme's.
pub(crate) async fn check_cluster(
    tx: &mut linkwork_store::Tx,
    grant: &linkwork_domain::Grant,
    cluster_id: i64,
) -> Result<()> {
    if store::cluster_in_programme(tx, grant, cluster_id).await? {
        Ok(())
    } else {
        Err(AppError::field(
            "cluster_id",
            "Choose a cluster of this programme",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> SiteInput {
        SiteInput {
            cluster_id: "3".into(),
            code: "s43021".into(),
            name: "Riverside Medical Practice".into(),
            kind: "gp_practice".into(),
            practice_code: "S43021".into(),
            list_size: "6,200".into(),
            deep_end: "yes".into(),
            postcode: "g51 4tr".into(),
            ..Default::default()
        }
    }

    #[test]
    fn parses_a_good_site() {
        let f = good().parse();
        let f = f.as_ref().map(|f| {
            (
                f.code.as_str(),
                f.list_size,
                f.deep_end,
                f.postcode.as_deref(),
                f.active,
            )
        });
        assert_eq!(f, Ok(("S43021", Some(6200), true, Some("G51 4TR"), true)));
    }

    #[test]
    fn reports_every_bad_field_at_once() {
        let bad = SiteInput {
            cluster_id: "".into(),
            code: "a b".into(),
            name: " ".into(),
            kind: "gp_practice".into(),
            list_size: "lots".into(),
            postcode: "nowhere".into(),
            ..Default::default()
        };
        let errs = bad.parse().err().unwrap_or_default();
        let fields: Vec<&str> = errs.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "code",
                "cluster_id",
                "practice_code",
                "list_size",
                "postcode"
            ]
        );
    }
}
