//! Areas, clusters and sites: the organisation of a programme.

use crate::{App, AppError, Ctx, Result};
use linkwork_domain::text::{self, Postcode, SiteKind};
use linkwork_domain::{FieldErrors, Permission};
use linkwork_store::audit;
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
    #[serde(deserialize_with = "crate::lenient::string")]
    pub deep_end: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub address: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub postcode: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub phone: String,
    /// `yes`/`no`; blank means active.
    #[serde(deserialize_with = "crate::lenient::string")]
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
            kind: s.kind.clone(),
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

fn parse_area_id(raw: &str) -> Result<i64> {
    raw.trim()
        .parse()
        .map_err(|_| AppError::field("area_id", "Choose the area this cluster belongs to"))
}

impl App {
    pub async fn list_areas(&self, ctx: &Ctx) -> Result<Vec<Area>> {
        let mut tx = self.db.read().await?;
        let a = store::list_areas(&mut tx, ctx.actor.programme_id).await?;
        tx.rollback().await?;
        Ok(a)
    }

    pub async fn get_area(&self, ctx: &Ctx, id: i64) -> Result<Area> {
        let mut tx = self.db.read().await?;
        let a = store::get_area(&mut tx, ctx.actor.programme_id, id).await?;
        tx.rollback().await?;
        Ok(a)
    }

    pub async fn create_area(&self, ctx: &Ctx, input: &NameInput) -> Result<i64> {
        let grant = self
            .authorize(ctx, Permission::ManageOrganisation, "area", "new")
            .await?;
        let name = parse_name(&input.name, "the area name")?;
        let now = self.now();
        let mut tx = self.db.write().await?;
        let id = store::create_area(&mut tx, &grant, &name, now)
            .await
            .map_err(AppError::from)
            .map_err(AppError::duplicate_on("name"))?;
        let mut ev = ctx.event("area.create", "area", id);
        ev.detail = name;
        audit::append(&mut tx, &ev, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_area(
        &self,
        ctx: &Ctx,
        id: i64,
        version: i64,
        input: &NameInput,
    ) -> Result<()> {
        let grant = self
            .authorize(ctx, Permission::ManageOrganisation, "area", id)
            .await?;
        let name = parse_name(&input.name, "the area name")?;
        let now = self.now();
        let mut tx = self.db.write().await?;
        store::update_area(&mut tx, &grant, id, version, &name, now)
            .await
            .map_err(AppError::from)
            .map_err(AppError::duplicate_on("name"))?;
        let mut ev = ctx.event("area.update", "area", id);
        ev.detail = name;
        audit::append(&mut tx, &ev, now).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn list_clusters(&self, ctx: &Ctx) -> Result<Vec<Cluster>> {
        let mut tx = self.db.read().await?;
        let c = store::list_clusters(&mut tx, ctx.actor.programme_id).await?;
        tx.rollback().await?;
        Ok(c)
    }

    pub async fn get_cluster(&self, ctx: &Ctx, id: i64) -> Result<Cluster> {
        let mut tx = self.db.read().await?;
        let c = store::get_cluster(&mut tx, ctx.actor.programme_id, id).await?;
        tx.rollback().await?;
        Ok(c)
    }

    pub async fn create_cluster(&self, ctx: &Ctx, input: &NameInput) -> Result<i64> {
        let grant = self
            .authorize(ctx, Permission::ManageOrganisation, "cluster", "new")
            .await?;
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
        let (Some(name), Some(area_id)) = (name, area_id) else {
            return Err(AppError::NotFound);
        };
        let now = self.now();
        let mut tx = self.db.write().await?;
        let id = store::create_cluster(&mut tx, &grant, area_id, &name, now)
            .await
            .map_err(|e| match e {
                linkwork_store::StoreError::NotFound => {
                    AppError::field("area_id", "Choose an area of this programme")
                }
                e => AppError::from(e),
            })
            .map_err(AppError::duplicate_on("name"))?;
        let mut ev = ctx.event("cluster.create", "cluster", id);
        ev.detail = name;
        audit::append(&mut tx, &ev, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_cluster(
        &self,
        ctx: &Ctx,
        id: i64,
        version: i64,
        input: &NameInput,
    ) -> Result<()> {
        let grant = self
            .authorize(ctx, Permission::ManageOrganisation, "cluster", id)
            .await?;
        let name = parse_name(&input.name, "the cluster name")?;
        let area_id = parse_area_id(&input.area_id)?;
        let now = self.now();
        let mut tx = self.db.write().await?;
        store::update_cluster(&mut tx, &grant, id, version, area_id, &name, now)
            .await
            .map_err(AppError::from)
            .map_err(AppError::duplicate_on("name"))?;
        let mut ev = ctx.event("cluster.update", "cluster", id);
        ev.detail = name;
        audit::append(&mut tx, &ev, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sites the actor may see, narrowed inside the query.
    pub async fn list_sites(&self, ctx: &Ctx, filter: &SiteFilter) -> Result<(Vec<Site>, i64)> {
        let mut tx = self.db.read().await?;
        let r = store::list_sites(&mut tx, ctx.actor.site_scope(), filter).await?;
        tx.rollback().await?;
        Ok(r)
    }

    /// One site, if the actor may see it; otherwise not found (and audited).
    pub async fn get_site(&self, ctx: &Ctx, id: i64) -> Result<Site> {
        let mut tx = self.db.read().await?;
        let r = store::get_site(&mut tx, ctx.actor.site_scope(), id).await;
        tx.rollback().await?;
        match r {
            Ok(s) => Ok(s),
            Err(linkwork_store::StoreError::NotFound) => {
                self.audit_refusal(ctx, "site", id).await?;
                Err(AppError::NotFound)
            }
            Err(e) => Err(e.into()),
        }
    }

    pub async fn create_site(&self, ctx: &Ctx, input: &SiteInput) -> Result<i64> {
        let grant = self
            .authorize(ctx, Permission::ManageOrganisation, "site", "new")
            .await?;
        let fields = input.parse()?;
        let now = self.now();
        let mut tx = self.db.write().await?;
        check_cluster(&mut tx, grant.programme_id(), fields.cluster_id).await?;
        let id = store::create_site(&mut tx, &grant, &fields, now)
            .await
            .map_err(site_error)?;
        let mut ev = ctx.event("site.create", "site", id);
        ev.detail = format!("{} {}", fields.code, fields.name);
        audit::append(&mut tx, &ev, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_site(
        &self,
        ctx: &Ctx,
        id: i64,
        version: i64,
        input: &SiteInput,
    ) -> Result<()> {
        let grant = self
            .authorize(ctx, Permission::ManageOrganisation, "site", id)
            .await?;
        let fields = input.parse()?;
        let now = self.now();
        let mut tx = self.db.write().await?;
        check_cluster(&mut tx, grant.programme_id(), fields.cluster_id).await?;
        store::update_site(&mut tx, &grant, id, version, &fields, now)
            .await
            .map_err(site_error)?;
        let mut ev = ctx.event("site.update", "site", id);
        ev.detail = format!("{} {}", fields.code, fields.name);
        audit::append(&mut tx, &ev, now).await?;
        tx.commit().await?;
        Ok(())
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
    programme_id: i64,
    cluster_id: i64,
) -> Result<()> {
    if store::cluster_in_programme(tx, programme_id, cluster_id).await? {
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
