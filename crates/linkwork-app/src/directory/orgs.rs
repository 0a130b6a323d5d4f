//! A directory organisation's page: its details (editable), its services,
//! the programme's sites that are it (a food bank where link workers are
//! based points at its organisation), and the visits made to it.

use super::{Organization, Visit, contact_fields, store};
use crate::gate::Use;
use crate::{App, AppError, Ctx, Result};
use linkwork_domain::text;
use linkwork_domain::{FieldErrors, Permission};
use serde::{Deserialize, Serialize};

pub use store::{ServiceOfOrganization, SiteOfOrganization};

#[derive(Debug, Clone, Serialize)]
pub struct OrganizationPage {
    pub organization: Organization,
    pub services: Vec<ServiceOfOrganization>,
    /// The programme's sites that are this organisation.
    pub sites: Vec<SiteOfOrganization>,
    /// Sites that could be pointed at it: only for those who manage the
    /// programme's organisation (empty for others).
    pub other_sites: Vec<SiteOfOrganization>,
    /// Visits to it: only for those who edit the directory.
    pub visits: Vec<Visit>,
}

/// An organisation's details as typed (a form or the API).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct OrganizationInput {
    #[serde(deserialize_with = "crate::lenient::string")]
    pub name: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub description: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub url: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub email: String,
    #[serde(deserialize_with = "crate::lenient::string")]
    pub phone: String,
}

impl App {
    /// One organisation with its services, sites and visits.
    pub async fn directory_organization(&self, ctx: &Ctx, id: i64) -> Result<OrganizationPage> {
        let editor = ctx.actor.can(Permission::EditDirectory);
        let manager = ctx.actor.can(Permission::ManageOrganisation);
        self.read(
            Use::read(ctx, Permission::ViewDirectory, "directory_organization").of(id),
            async |tx, g| {
                let organization = store::organization(tx, g, id).await?;
                let (sites, other_sites) = store::organization_sites(tx, g)
                    .await?
                    .into_iter()
                    .partition(|s| s.organization_id == Some(id));
                Ok(OrganizationPage {
                    services: store::services_of_organization(tx, g, id).await?,
                    sites,
                    other_sites: if manager { other_sites } else { Vec::new() },
                    visits: if editor {
                        store::visits(tx, g, id).await?
                    } else {
                        Vec::new()
                    },
                    organization,
                })
            },
        )
        .await
    }

    /// Change an organisation's details; its services are found by the new
    /// name at once.
    pub async fn save_directory_organization(
        &self,
        ctx: &Ctx,
        id: i64,
        input: &OrganizationInput,
    ) -> Result<()> {
        let mut e = FieldErrors::new();
        let name = e.check(
            "name",
            text::required_text(&input.name, "the organisation's name", 200),
        );
        let (description, url, email, phone) = contact_fields(
            &mut e,
            &input.description,
            &input.url,
            &input.email,
            &input.phone,
        );
        e.into_result()?;
        let now = self.now();
        self.run(
            Use::write(
                ctx,
                Permission::EditDirectory,
                "directory_organization.update",
                "directory_organization",
                id,
            ),
            async |tx, g, ev| {
                let cur = store::organization(tx, g, id).await?;
                let next = Organization {
                    name: name.unwrap_or_default(),
                    description,
                    url,
                    email,
                    phone,
                    ..cur.clone()
                };
                if next == cur {
                    // Nothing changed: nothing to audit.
                    ev.action.clear();
                    return Ok(());
                }
                ev.detail = next.name.clone();
                store::save_organization(tx, g, &next, now).await?;
                Ok(())
            },
        )
        .await
    }

    /// Point one of the programme's sites (not a practice) at a directory
    /// organisation (`link`), or unlink it from that organisation:
    /// administrators only.
    pub async fn link_site_to_organization(
        &self,
        ctx: &Ctx,
        organization_id: i64,
        site_id: i64,
        link: bool,
    ) -> Result<()> {
        self.run(
            Use::write(
                ctx,
                Permission::ManageOrganisation,
                if link {
                    "site.organization_link"
                } else {
                    "site.organization_unlink"
                },
                "site",
                site_id,
            ),
            async |tx, g, ev| {
                let org = store::organization(tx, g, organization_id).await?;
                let site = store::organization_sites(tx, g)
                    .await?
                    .into_iter()
                    .find(|s| s.id == site_id);
                let Some(site) = site else {
                    return Err(AppError::field(
                        "site_id",
                        "Choose one of the programme's sites that is not a GP practice",
                    ));
                };
                if !link && site.organization_id != Some(organization_id) {
                    return Err(AppError::NotFound);
                }
                ev.detail = org.name;
                let to = link.then_some(organization_id);
                Ok(store::set_site_organization(tx, g, site_id, to).await?)
            },
        )
        .await
    }
}
