//! `linkwork`: the one binary. Serves the web application and API, and
//! administers the database from the command line.

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use linkwork_app::access::users::UserInput;
use linkwork_app::audit::{Checkpoint, CheckpointKey};
use linkwork_app::{App, AppError, Ctx, Settings};
use linkwork_demo::{DEMO_PASSWORD, Scale};
use linkwork_domain::SystemClock;
use linkwork_store::Db;
use serde::Deserialize;
use std::io::BufRead;
use std::net::SocketAddr;
use std::sync::Arc;

#[derive(Parser, Debug)]
#[command(
    name = "linkwork",
    version,
    about = "Software for Community Link Worker (social prescribing) programmes"
)]
struct Cli {
    /// A TOML file of settings (flags and LINKWORK_* variables win over it).
    #[arg(long, env = "LINKWORK_CONFIG", global = true)]
    config: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Debug, Clone, Default)]
struct DbArgs {
    /// sqlite://FILE (embedded, the default: sqlite://linkwork.db) or postgres://…
    #[arg(long, env = "LINKWORK_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Migrate the database, then serve the web application and API.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on.
        #[arg(long, env = "LINKWORK_BIND")]
        bind: Option<SocketAddr>,
        /// Fill an empty database with fictional demo data first.
        #[arg(long)]
        demo: bool,
        /// Served over HTTPS (directly or behind a proxy): Secure, __Host- cookies.
        #[arg(long, env = "LINKWORK_SECURE_COOKIES")]
        secure_cookies: Option<bool>,
        /// Take client addresses from X-Forwarded-For (behind a trusted load balancer).
        #[arg(long, env = "LINKWORK_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: Option<bool>,
        /// Write a sealed audit checkpoint to this directory every
        /// `audit_checkpoint_minutes` (default 60); needs --audit-key-file.
        #[arg(long, env = "LINKWORK_AUDIT_CHECKPOINT_DIR")]
        audit_checkpoint_dir: Option<std::path::PathBuf>,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Apply database migrations and stop.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Fill an empty database with fictional demo data.
    Demo {
        #[command(flatten)]
        db: DbArgs,
        /// programme (one programme like the seed's) or national.
        #[arg(long, default_value = "programme")]
        scale: String,
        /// The same seed always makes the same data.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Years of one-to-one work to invent (0: people only, no
        /// referrals). Default: 10 for a programme, 3 for the nation (about
        /// 1.3 million referrals a year).
        #[arg(long)]
        years: Option<u32>,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage personal API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Copy a live SQLite database consistently to a file.
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The file to write (must not exist).
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// The audit trail.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Import data (the community directory, the postcode lookup).
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Export data.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// The programme's figures.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
}

#[derive(Subcommand, Debug)]
enum ReportCommand {
    /// The figures of a period (a quarter, or any period) and a scope, beside
    /// the period before, as CSV (one row per measure), XLSX or the printable
    /// HTML report. Recorded in the audit trail.
    Quarterly {
        #[command(flatten)]
        db: DbArgs,
        /// 2024Q1 (January to March), 2024-25Q1 (April to June 2024),
        /// 2024-25 (a financial year), 2024 (a calendar year), 2024-03 (a
        /// month), 2024-01-01..2024-02-15. Default: the last full quarter.
        #[arg(long, default_value = "")]
        period: String,
        /// programme, area:NAME, cluster:NAME, practice:CODE or worker:EMAIL.
        #[arg(long, default_value = "programme")]
        scope: String,
        /// csv, xlsx or html.
        #[arg(long, default_value = "csv")]
        format: String,
        /// Hide small counts (under the programme's threshold), for sharing
        /// outside the programme.
        #[arg(long)]
        sharing: bool,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
        #[arg(long)]
        programme: Option<String>,
    },
    /// Count every month of the programme's figures (since its first
    /// referral) and the wellbeing changes of every year and quarter once,
    /// and keep them, so that no report has to: after loading data in bulk
    /// (imports of postcodes and the SIMD table do it themselves).
    Keep {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        programme: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum ImportCommand {
    /// Import services: Open Referral UK 3.0 / HSDS 3 JSON (a list of
    /// services, or a data package), a CSV data package (its folder, or its
    /// datapackage.json), or an Open Referral UK v1 feed. Importing the same
    /// file again changes nothing.
    Directory {
        #[command(flatten)]
        db: DbArgs,
        /// The file (or a CSV package's folder).
        file: std::path::PathBuf,
        /// The programme (by name). Default: the only one.
        #[arg(long)]
        programme: Option<String>,
    },
    /// Import a postcode lookup (ONS NSPL/ONSPD columns: pcds, lat, long,
    /// and dz11 or datazone2011_code for SIMD).
    Postcodes {
        #[command(flatten)]
        db: DbArgs,
        file: std::path::PathBuf,
        #[arg(long)]
        programme: Option<String>,
    },
    /// Import the SIMD 2020v2 table by data zone (datazone2011_code,
    /// simd2020v2_rank; deciles and quintiles are worked out from the rank).
    Simd {
        #[command(flatten)]
        db: DbArgs,
        file: std::path::PathBuf,
        #[arg(long)]
        programme: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum ExportCommand {
    /// The whole directory as an HSDS 3 data package (JSON, rows inline).
    Directory {
        #[command(flatten)]
        db: DbArgs,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<std::path::PathBuf>,
        #[arg(long)]
        programme: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Add a user. On an empty database this also creates the programme.
    Add {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// administrator, manager, link-worker, practice-staff or partner.
        #[arg(long)]
        role: String,
        /// Code of a site the user works at (repeat for several).
        #[arg(long = "site")]
        sites: Vec<String>,
        /// For a partner: the name (or id) of their organisation in the
        /// community directory.
        #[arg(long)]
        organization: Option<String>,
        /// Read the password from standard input (one line).
        #[arg(long)]
        password_stdin: bool,
        /// The programme to join. Default: the only one (on an empty
        /// database, a new one).
        #[arg(long)]
        programme: Option<String>,
        /// Make the programme named by --programme if there is none of that
        /// name (needed once the database has a programme).
        #[arg(long)]
        create_programme: bool,
    },
    /// Disable a user: their sessions end at once and their tokens stop working.
    Disable {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
    },
}

#[derive(Subcommand, Debug)]
enum TokenCommand {
    /// Make a personal API token for a user and print it (once).
    Create {
        #[command(flatten)]
        db: DbArgs,
        #[arg(long)]
        email: String,
        /// What the token is for.
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check every hash chain; exits non-zero if anything was changed or removed.
    Verify {
        #[command(flatten)]
        db: DbArgs,
        /// Also check against a checkpoint written earlier: fails when any
        /// chain is now shorter than it was, or differs from it.
        #[arg(long)]
        checkpoint: Option<std::path::PathBuf>,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Write a sealed checkpoint of every chain's end to a new file (keep it
    /// away from the database server).
    Checkpoint {
        #[command(flatten)]
        db: DbArgs,
        /// The file to write (must not exist).
        #[arg(long)]
        to: std::path::PathBuf,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Make a new random key for sealing checkpoints, in a new file readable
    /// only by its owner.
    NewKey {
        /// The key file to write (must not exist).
        #[arg(long)]
        to: std::path::PathBuf,
    },
}

#[derive(Args, Debug, Clone, Default)]
struct KeyArgs {
    /// The file holding the checkpoint key (see `linkwork audit new-key`).
    #[arg(long, env = "LINKWORK_AUDIT_KEY_FILE")]
    audit_key_file: Option<std::path::PathBuf>,
}

/// Settings from the optional TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    /// A map tile server URL template for the directory's map.
    map_tiles: Option<String>,
    map_attribution: Option<String>,
    /// Serve /openreferral without a token for this programme (name or id).
    openreferral_public: Option<String>,
    bind: Option<SocketAddr>,
    secure_cookies: Option<bool>,
    trust_forwarded_for: Option<bool>,
    session_idle_minutes: Option<i64>,
    session_absolute_hours: Option<i64>,
    max_connections: Option<u32>,
    audit_key_file: Option<std::path::PathBuf>,
    audit_checkpoint_dir: Option<std::path::PathBuf>,
    audit_checkpoint_minutes: Option<u64>,
}

/// The checkpoint key, from --audit-key-file, LINKWORK_AUDIT_KEY_FILE or the
/// settings file.
fn checkpoint_key(key: &KeyArgs, file: &FileConfig) -> Result<CheckpointKey> {
    let Some(path) = key
        .audit_key_file
        .clone()
        .or_else(|| file.audit_key_file.clone())
    else {
        bail!(
            "name the checkpoint key file with --audit-key-file (make one with `linkwork audit new-key --to FILE`)"
        );
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("reading the checkpoint key {}", path.display()))?;
    CheckpointKey::parse(&text).map_err(anyhow::Error::msg)
}

/// Write a new file that must not exist yet, readable only by its owner.
fn write_new_private(path: &std::path::Path, contents: &str) -> Result<()> {
    use std::io::Write as _;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o
        .open(path)
        .with_context(|| format!("creating {} (it must not exist yet)", path.display()))?;
    f.write_all(contents.as_bytes())?;
    f.sync_all()?;
    Ok(())
}

async fn write_checkpoint(app: &App, key: &CheckpointKey, to: &std::path::Path) -> Result<usize> {
    let cp = app.audit_checkpoint(key).await.map_err(explain)?;
    write_new_private(to, &cp.to_json())?;
    Ok(cp.chains.len())
}

fn load_file(path: Option<&std::path::Path>) -> Result<FileConfig> {
    match path {
        None => Ok(FileConfig::default()),
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            toml::from_str(&text).with_context(|| format!("reading settings from {}", p.display()))
        }
    }
}

fn database_url(db: &DbArgs, file: &FileConfig) -> String {
    db.database_url
        .clone()
        .or_else(|| file.database_url.clone())
        .unwrap_or_else(|| "sqlite://linkwork.db".into())
}

/// The app, and the operator acting as an administrator of the programme
/// named (or the only one).
async fn open_as_operator(
    db: &DbArgs,
    file: &FileConfig,
    programme: Option<&str>,
) -> Result<(App, Ctx)> {
    let app = open(db, file).await?;
    let programme_id = app
        .programme_for_cli(programme, false)
        .await
        .map_err(explain)?;
    Ok((app, Ctx::operator(programme_id)))
}

async fn open(db: &DbArgs, file: &FileConfig) -> Result<App> {
    Ok(open_with_db(db, file).await?.0)
}

/// The app and, for the demo generator (which fills an empty database
/// before any user exists), the database handle under it.
async fn open_with_db(db: &DbArgs, file: &FileConfig) -> Result<(App, Db)> {
    let url = database_url(db, file);
    let opts = linkwork_store::db::PoolOptions {
        max_connections: file.max_connections.unwrap_or(16),
        pg_schema: None,
    };
    let pool = Db::connect_with(&url, &opts)
        .await
        .with_context(|| format!("opening the database {}", redact(&url)))?;
    let mut settings = Settings::default();
    if let Some(m) = file.session_idle_minutes {
        settings.session_idle = chrono::Duration::minutes(m.max(1));
    }
    if let Some(h) = file.session_absolute_hours {
        settings.session_absolute = chrono::Duration::hours(h.max(1));
    }
    if let Some(n) = std::env::var("LINKWORK_FIGURES_CACHE")
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        settings.figures_cache = n;
    }
    if let Some(n) = std::env::var("LINKWORK_PAGES_KEPT")
        .ok()
        .and_then(|v| v.trim().parse().ok())
    {
        settings.pages_kept = n;
    }
    let app = App::new(pool.clone(), Arc::new(SystemClock), settings);
    let outcome = app.migrate().await.map_err(explain)?;
    if !outcome.applied.is_empty() {
        tracing::info!(applied = ?outcome.applied, "database migrated");
    }
    Ok((app, pool))
}

/// Hide a password in a database URL before printing it.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn explain(e: AppError) -> anyhow::Error {
    match e {
        AppError::Invalid(f) => anyhow::anyhow!("{f}"),
        other => anyhow::anyhow!("{other}"),
    }
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LINKWORK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_target(false)
        .init();
    let outcome = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(anyhow::Error::from)
        .and_then(|rt| rt.block_on(run(cli)));
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // A sentence, with its causes, never a stack trace.
            eprintln!("linkwork: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let file = load_file(cli.config.as_deref())?;
    match cli.command {
        Command::Serve {
            db,
            bind,
            demo,
            secure_cookies,
            trust_forwarded_for,
            audit_checkpoint_dir,
            key,
        } => {
            let started = std::time::Instant::now();
            let checkpoints = match audit_checkpoint_dir.or(file.audit_checkpoint_dir.clone()) {
                Some(dir) => {
                    let key = checkpoint_key(&key, &file)?;
                    std::fs::create_dir_all(&dir)
                        .with_context(|| format!("making {}", dir.display()))?;
                    Some((dir, key))
                }
                None => None,
            };
            let (app, pool) = open_with_db(&db, &file).await?;
            let bind = bind
                .or(file.bind)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
            let secure = secure_cookies.or(file.secure_cookies).unwrap_or(false);
            if !secure && !bind.ip().is_loopback() {
                tracing::warn!(
                    "serving plain HTTP on a public address: put linkwork behind HTTPS and pass --secure-cookies true"
                );
            }
            if demo {
                fill_demo(&app, &pool, Scale::Programme, 1, 10).await?;
            }
            let listener = tokio::net::TcpListener::bind(bind)
                .await
                .with_context(|| format!("listening on {bind}"))?;
            let addr = listener.local_addr()?;
            let config = linkwork_web::WebConfig {
                secure_cookies: secure,
                trust_forwarded_for: trust_forwarded_for
                    .or(file.trust_forwarded_for)
                    .unwrap_or(false),
                map_tiles: std::env::var("LINKWORK_MAP_TILES")
                    .ok()
                    .filter(|s| !s.is_empty())
                    .or(file.map_tiles.clone()),
                openreferral_public: std::env::var("LINKWORK_OPENREFERRAL_PUBLIC")
                    .ok()
                    .filter(|s| !s.is_empty())
                    .or(file.openreferral_public.clone()),
                map_attribution: std::env::var("LINKWORK_MAP_ATTRIBUTION")
                    .ok()
                    .filter(|s| !s.is_empty())
                    .or(file.map_attribution.clone()),
            };
            let state = linkwork_web::WebState::new(app.clone(), config);
            let pruner = app.clone();
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
                loop {
                    tick.tick().await;
                    if let Err(e) = pruner.prune_sessions().await {
                        tracing::warn!(error = %e, "could not prune sessions");
                    }
                }
            });
            if let Some((dir, key)) = checkpoints {
                let writer = app.clone();
                let minutes = file.audit_checkpoint_minutes.unwrap_or(60).max(1);
                tokio::spawn(async move {
                    let mut tick =
                        tokio::time::interval(std::time::Duration::from_secs(60 * minutes));
                    loop {
                        tick.tick().await;
                        let name = format!(
                            "linkwork-audit-{}.json",
                            writer.now().format("%Y%m%dT%H%M%S%.6fZ")
                        );
                        match write_checkpoint(&writer, &key, &dir.join(&name)).await {
                            Ok(n) => {
                                tracing::info!(file = %name, chains = n, "audit checkpoint written")
                            }
                            Err(e) => {
                                tracing::error!(error = %format!("{e:#}"), "could not write an audit checkpoint")
                            }
                        }
                    }
                });
            }
            tracing::info!(ready_ms = started.elapsed().as_millis() as u64, "ready");
            println!("linkwork is serving on http://{addr}  (Ctrl-C to stop)");
            if demo {
                println!("Sign in with any of these demo accounts (password: {DEMO_PASSWORD}):");
                for (role, email) in demo_accounts() {
                    println!("  {role:<15} {email}");
                }
            }
            linkwork_web::serve(listener, state, stop_signal()).await?;
            app.close().await;
            Ok(())
        }
        Command::Import {
            command:
                ImportCommand::Directory {
                    db,
                    file: path,
                    programme,
                },
        } => {
            let (app, ctx) = open_as_operator(&db, &file, programme.as_deref()).await?;
            let (items, format) = read_directory_file(&path)?;
            let bar = progress_bar(
                items.len() as u64,
                "{msg:>10} [{bar:40}] {pos}/{len} {per_sec}",
            );
            bar.set_message("services");
            let b = bar.clone();
            let started = std::time::Instant::now();
            let report = app
                .import_directory(&ctx, items, &format, &move |done, _| {
                    b.set_position(done as u64)
                })
                .await
                .map_err(explain)?;
            bar.finish_and_clear();
            let secs = started.elapsed().as_secs_f64();
            println!(
                "Read {} services ({}): {} new, {} changed, {} unchanged, {} skipped, in {:.1} s ({:.0} services a second).",
                report.read,
                report.format,
                report.created,
                report.updated,
                report.unchanged,
                report.skipped.len(),
                secs,
                report.read as f64 / secs.max(0.001)
            );
            for c in &report.changes {
                println!("  changed: {c}");
            }
            for s in report.skipped.iter().take(50) {
                println!("  skipped {:?} ({}): {}", s.id, s.name, s.reason);
            }
            if report.skipped.len() > 50 {
                println!("  … and {} more skipped", report.skipped.len() - 50);
            }
            Ok(())
        }
        Command::Import {
            command:
                ImportCommand::Postcodes {
                    db,
                    file: path,
                    programme,
                },
        } => {
            let (app, ctx) = open_as_operator(&db, &file, programme.as_deref()).await?;
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let r = app.import_postcodes(&ctx, &text).await.map_err(explain)?;
            println!("{} postcodes imported, {} left out.", r.taken, r.skipped);
            keep_after_import(&app, &ctx).await
        }
        Command::Import {
            command:
                ImportCommand::Simd {
                    db,
                    file: path,
                    programme,
                },
        } => {
            let (app, ctx) = open_as_operator(&db, &file, programme.as_deref()).await?;
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            let r = app.import_simd(&ctx, &text).await.map_err(explain)?;
            println!("{} data zones imported, {} left out.", r.taken, r.skipped);
            keep_after_import(&app, &ctx).await
        }
        Command::Report {
            command: ReportCommand::Keep { db, programme },
        } => {
            let (app, ctx) = open_as_operator(&db, &file, programme.as_deref()).await?;
            keep_figures(&app, &ctx).await
        }
        Command::Report {
            command:
                ReportCommand::Quarterly {
                    db,
                    period,
                    scope,
                    format,
                    sharing,
                    output,
                    programme,
                },
        } => {
            if !["csv", "xlsx", "html"].contains(&format.as_str()) {
                anyhow::bail!("--format: choose csv, xlsx or html (not {format:?}).");
            }
            let (app, ctx) = open_as_operator(&db, &file, programme.as_deref()).await?;
            let input = linkwork_app::reports::ReportInput { period, scope };
            let r = app.report(&ctx, &input).await.map_err(explain)?;
            // The months it counted are kept for the next report.
            app.settle().await;
            let sharing = sharing.then_some(app.settings.suppress_below);
            let bytes = match format.as_str() {
                "xlsx" => linkwork_app::reports::export::xlsx(&r, sharing).map_err(explain)?,
                "html" => linkwork_web::pages::reports::printable(
                    &r,
                    sharing,
                    &ctx.actor.name,
                    linkwork_domain::appointment::london_date(app.now()),
                )
                .into_bytes(),
                _ => linkwork_app::reports::csv(&r, sharing).into_bytes(),
            };
            match output {
                Some(p) => {
                    std::fs::write(&p, bytes).with_context(|| format!("writing {}", p.display()))?
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&bytes)?;
                }
            }
            Ok(())
        }
        Command::Export {
            command:
                ExportCommand::Directory {
                    db,
                    output,
                    programme,
                },
        } => {
            let (app, ctx) = open_as_operator(&db, &file, programme.as_deref()).await?;
            let pkg = app.export_directory(&ctx).await.map_err(explain)?;
            let text = serde_json::to_string_pretty(&pkg)?;
            match output {
                Some(p) => {
                    std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))?
                }
                None => println!("{text}"),
            }
            Ok(())
        }
        Command::Migrate { db } => {
            let app = open(&db, &file).await?;
            println!(
                "The database is at schema version {}.",
                app.schema_version().await.map_err(explain)?
            );
            Ok(())
        }
        Command::Demo {
            db,
            scale,
            seed,
            years,
        } => {
            let scale = Scale::parse(&scale).map_err(anyhow::Error::msg)?;
            let years = years.unwrap_or(match scale {
                Scale::Programme => 10,
                Scale::National => 3,
            });
            let (app, pool) = open_with_db(&db, &file).await?;
            fill_demo(&app, &pool, scale, seed, years).await?;
            println!("Sign in with any of these demo accounts (password: {DEMO_PASSWORD}):");
            for (role, email) in demo_accounts() {
                println!("  {role:<15} {email}");
            }
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    email,
                    name,
                    role,
                    sites,
                    organization,
                    password_stdin,
                    programme,
                    create_programme,
                },
        } => {
            let app = open(&db, &file).await?;
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                String::new()
            };
            let programme_id = app
                .programme_for_cli(programme.as_deref(), create_programme)
                .await
                .map_err(explain)?;
            let site_ids = app
                .site_ids_for_codes(programme_id, &sites)
                .await
                .map_err(explain)?;
            let organization_id = match organization.as_deref().map(str::trim) {
                None | Some("") => String::new(),
                Some(wanted) => {
                    let orgs = app
                        .directory_organizations(&Ctx::operator(programme_id))
                        .await
                        .map_err(explain)?;
                    match orgs.iter().find(|o| {
                        o.id.to_string() == wanted || o.name.trim().eq_ignore_ascii_case(wanted)
                    }) {
                        Some(o) => o.id.to_string(),
                        None => bail!(
                            "There is no organisation called {wanted} in the community directory: add it there first (Directory, Organisations)"
                        ),
                    }
                }
            };
            let input = UserInput {
                email: email.clone(),
                name,
                role,
                password: password.clone(),
                site_ids,
                organization_id,
            };
            let id = app
                .create_user(&Ctx::operator(programme_id), &input)
                .await
                .map_err(explain)?;
            println!("Added user {id}: {email}.");
            if password.is_empty() {
                println!(
                    "They cannot sign in until a password is set (pipe one to --password-stdin, or an administrator sets it)."
                );
            }
            Ok(())
        }
        Command::User {
            command: UserCommand::Disable { db, email },
        } => {
            let app = open(&db, &file).await?;
            let Some(u) = app.find_user_by_email(&email).await.map_err(explain)? else {
                bail!("There is no user with the email address {email}");
            };
            app.set_user_disabled(&Ctx::operator(u.programme_id), u.id, true)
                .await
                .map_err(explain)?;
            println!(
                "Disabled {email}: their sessions have ended and their tokens no longer work."
            );
            Ok(())
        }
        Command::Token {
            command: TokenCommand::Create { db, email, name },
        } => {
            let app = open(&db, &file).await?;
            let Some(u) = app.find_user_by_email(&email).await.map_err(explain)? else {
                bail!("There is no user with the email address {email}");
            };
            let ctx = app.ctx_for_user(u.id).await.map_err(explain)?;
            let token = app.create_token(&ctx, &name).await.map_err(explain)?;
            println!("{token}");
            eprintln!("This token is shown once. Send it as: Authorization: Bearer <token>");
            Ok(())
        }
        Command::Backup { db, to } => {
            let url = database_url(&db, &file);
            if to.exists() {
                bail!("{} already exists: choose a new file", to.display());
            }
            let app = open(&db, &file).await?;
            let path = to.to_string_lossy().into_owned();
            if app.backup_to(&path).await.map_err(explain)? {
                println!("Backed up {} to {}.", redact(&url), to.display());
            } else {
                println!(
                    "This is a PostgreSQL database: back it up with pg_dump, e.g.\n  pg_dump --format=custom --file={} '{}'\nand restore with pg_restore --clean --dbname=URL FILE.",
                    to.display(),
                    redact(&url)
                );
            }
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::NewKey { to },
        } => {
            write_new_private(&to, &format!("{}\n", CheckpointKey::generate()))?;
            println!(
                "Wrote a new checkpoint key to {}. Keep it away from the database server, and back it up: without it, checkpoints cannot be checked.",
                to.display()
            );
            Ok(())
        }
        Command::Audit {
            command: AuditCommand::Checkpoint { db, to, key },
        } => {
            let key = checkpoint_key(&key, &file)?;
            if to.exists() {
                bail!("{} already exists: choose a new file", to.display());
            }
            let app = open(&db, &file).await?;
            let n = write_checkpoint(&app, &key, &to).await?;
            println!(
                "Wrote a sealed checkpoint of {n} chains to {}.",
                to.display()
            );
            Ok(())
        }
        Command::Audit {
            command:
                AuditCommand::Verify {
                    db,
                    checkpoint,
                    key,
                },
        } => {
            let checkpoint = match checkpoint {
                Some(path) => {
                    let key = checkpoint_key(&key, &file)?;
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("reading the checkpoint {}", path.display()))?;
                    let cp = Checkpoint::from_json(&text).map_err(anyhow::Error::msg)?;
                    Some((cp, key))
                }
                None => None,
            };
            let app = open(&db, &file).await?;
            let v = app
                .verify_all_audit(checkpoint.as_ref().map(|(c, k)| (c, k)))
                .await
                .map_err(explain)?;
            for n in &v.notices {
                println!("NOTE: {n}");
            }
            if v.ok() {
                println!(
                    "The audit trail is whole: {} events in {} chains checked{}.",
                    v.events,
                    v.chains,
                    match &checkpoint {
                        Some((c, _)) => format!(
                            ", none shorter than or different from the checkpoint of {}",
                            c.written_at.format("%Y-%m-%d %H:%M UTC")
                        ),
                        None => String::new(),
                    }
                );
                Ok(())
            } else {
                for p in &v.problems {
                    println!("PROBLEM: {p}");
                }
                bail!(
                    "the audit trail has been tampered with ({} problems)",
                    v.problems.len()
                )
            }
        }
    }
}

fn demo_accounts() -> Vec<(&'static str, &'static str)> {
    vec![
        ("administrator", "admin@linkwork.example"),
        ("manager", "manager@linkwork.example"),
        ("link worker", "linkworker@linkwork.example"),
        ("practice staff", "practice@linkwork.example"),
        ("partner", "partner@linkwork.example"),
    ]
}

/// A progress bar of `len` steps drawn by `template` (indicatif's).
fn progress_bar(len: u64, template: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(template)
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar
}

/// Counts and keeps every month and period of the programme's figures,
/// with a progress bar (the postcodes and the SIMD table count in every
/// month: after importing them, every month is counted again).
async fn keep_figures(app: &App, ctx: &Ctx) -> Result<()> {
    let bar = progress_bar(0, "{msg:>12} [{bar:40}] {pos}/{len} ({elapsed})");
    bar.set_message("figures");
    let b = bar.clone();
    let started = std::time::Instant::now();
    let kept = app
        .keep_figures(ctx, &move |done, total| {
            b.set_length(total);
            b.set_position(done);
        })
        .await
        .map_err(explain)?;
    bar.finish_and_clear();
    println!(
        "Figures kept: {} months and {} years and quarters of wellbeing and wider work, in {:.1} s.",
        kept.months,
        kept.periods,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// After an import that counts in every month (postcodes, the SIMD table):
/// the programme's figures kept again; the import stands whatever happens
/// here, so a failure is a warning (the first reports count their months).
async fn keep_after_import(app: &App, ctx: &Ctx) -> Result<()> {
    if let Err(e) = keep_figures(app, ctx).await {
        eprintln!(
            "The figures were not kept again ({e:#}): the first reports will count their months; \
             `linkwork report keep` does it now."
        );
    }
    Ok(())
}

async fn fill_demo(app: &App, db: &Db, scale: Scale, seed: u64, years: u32) -> Result<()> {
    let bar = progress_bar(0, "{msg:>12} [{bar:40}] {pos}/{len} ({per_sec}, {elapsed})");
    let b = bar.clone();
    let progress = move |p: &linkwork_demo::Progress| {
        b.set_message(p.stage);
        b.set_length(p.total);
        b.set_position(p.done);
    };
    let started = std::time::Instant::now();
    match linkwork_demo::generate(db, app.now(), scale, seed, years, &progress).await {
        Ok(r) => {
            bar.finish_and_clear();
            let secs = started.elapsed().as_secs_f64().max(0.001);
            println!(
                "Written in {secs:.1} s ({:.0} referrals and {:.0} appointments a second).",
                r.referrals as f64 / secs,
                r.appointments as f64 / secs
            );
            println!(
                "Demo data made: {} areas, {} clusters, {} sites, {} people supported, {} referrals, {} appointments, staff: {}.",
                r.areas,
                r.clusters,
                r.sites,
                r.participants,
                r.referrals,
                r.appointments,
                r.users
                    .iter()
                    .map(|(role, n)| format!("{n} {role}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            Ok(())
        }
        Err(AppError::Conflict(m)) => {
            bar.finish_and_clear();
            println!("{m} Leaving it as it is.");
            Ok(())
        }
        Err(e) => Err(explain(e)),
    }
}

/// Read a directory file: JSON (services, a page of them, a data package
/// with its rows inline), a CSV data package's datapackage.json, or its folder.
fn read_directory_file(path: &std::path::Path) -> Result<(Vec<serde_json::Value>, String)> {
    use linkwork_app::directory::oruk;
    let csv_folder = |dir: &std::path::Path| -> Result<(Vec<serde_json::Value>, String)> {
        let mut files = std::collections::HashMap::new();
        for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
            let p = entry?.path();
            if p.extension().is_some_and(|e| e == "csv") {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.insert(
                    name,
                    std::fs::read_to_string(&p)
                        .with_context(|| format!("reading {}", p.display()))?,
                );
            }
        }
        let tables = oruk::tables_from_csv(&files).map_err(|e| anyhow::anyhow!(e))?;
        Ok((oruk::assemble(&tables), "an HSDS 3 CSV data package".into()))
    };
    if path.is_dir() {
        return csv_folder(path);
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let doc: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not JSON (for a CSV data package, name its folder)",
            path.display()
        )
    })?;
    let csv_package = doc
        .get("resources")
        .and_then(|r| r.as_array())
        .is_some_and(|r| {
            r.iter()
                .any(|x| x.get("path").is_some() && x.get("data").is_none())
        });
    if csv_package {
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        return csv_folder(dir);
    }
    let (items, format) = oruk::services_of(&doc).map_err(|e| anyhow::anyhow!(e))?;
    Ok((items, format.to_owned()))
}

/// Ctrl-C, or SIGTERM (systemd's and a container's "stop"): requests in
/// flight are finished, then the server stops.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
