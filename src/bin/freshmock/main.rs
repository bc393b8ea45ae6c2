//! The `freshmock` binary: parse the command line, then hand over to the library.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
mod cli;
mod generate;
mod health;
mod import;
mod watch;

use cli::{Cli, Command, ExplainArgs, GenerateArgs, HealthArgs, ImportArgs, ServeArgs, TokenArgs};
use freshmock::{tokens, AppState};
use serde_json::json;
use tokio::net::TcpListener;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => serve(cli.serve),
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Token(args)) => print_token(args),
        Some(Command::Explain(args)) => explain(args),
        Some(Command::Check(args)) => args
            .fixtures()
            .map(|set| {
                let articles = set.articles().count();
                println!(
                    "fixtures are valid: {} widgets, {} users, {articles} articles",
                    set.widgets.len(),
                    set.contacts.len() + set.agents.len()
                );
                ExitCode::SUCCESS
            })
            .map_err(Into::into),
        Some(Command::Generate(args)) => generate(args),
        Some(Command::Import(args)) => import(args),
        Some(Command::Health(args)) => Ok(health(&args, &cli.serve)),
    };
    result.unwrap_or_else(|err| {
        eprintln!("freshmock: {err:#}");
        ExitCode::FAILURE
    })
}

/// What glibc's malloc is told when a server starts on a fixture folder: one arena.
///
/// By default glibc gives each thread that allocates an arena of its own and keeps what is
/// freed there. The search index's edits are written by a thread tantivy starts for each
/// commit, whose working set (a 4 MB term table and nine 1 MB pages, for a one-article
/// segment) stayed in that thread's arena: at 100,000 articles the server was 6–32 MB
/// larger after 20 publishes (how much depended on the arena glibc handed out), and
/// other threads' arenas held ~15 MB more while serving. In one arena what one thread
/// frees is reused by the next: 20 publishes +0.8 MB, serving RSS 340 MB instead of 348–362,
/// 13 page faults for the 20 publishes instead of 1,400–5,000, the same start-up time.
/// Its price is the one arena's lock: ~8% more CPU per never-repeated search at 32
/// connections (636 µs against 588), 0–4% at 4. Returning the memory instead (a lower
/// `mmap_threshold`) costs each edit ~2,000 page faults and ~8 ms of CPU; two arenas or
/// more leave the edits' working set to chance again (+1 to +30 MB).
const MALLOC_TUNABLES: &str = "glibc.malloc.arena_max=1";

/// Starts this program again with [`MALLOC_TUNABLES`], before any thread: glibc reads its
/// tunables once, at start, from the environment (setting them later would take `unsafe`).
/// A `GLIBC_TUNABLES` already set — the user's, or ours after the first start — is left as
/// it is; if the program cannot be started again this one goes on as it is. Only for a
/// fixture folder: the bundled account's start is measured in milliseconds.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        if std::env::var_os("GLIBC_TUNABLES").is_some() {
            return;
        }
        let Ok(program) = std::env::current_exe() else {
            return;
        };
        let mut args = std::env::args_os();
        let mut again = std::process::Command::new(program);
        if let Some(name) = args.next() {
            again.arg0(name);
        }
        // Returns only if the program could not be started again.
        let _ = again
            .args(args)
            .env("GLIBC_TUNABLES", MALLOC_TUNABLES)
            .exec();
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    // First, while this is the only thread (the parsed command line started none).
    if args.account.fixtures.is_some() {
        one_malloc_arena();
    }
    // The filter is the only one: `fmt()`'s own subscriber would also hold everything
    // below INFO back.
    tracing_subscriber::registry()
        .with(log_filter(std::env::var("FRESHMOCK_LOG").ok().as_deref()))
        .with(
            tracing_subscriber::fmt::layer()
                .with_target(false)
                .with_writer(std::io::stderr),
        )
        .init();
    let state = AppState::new(args.config()?)?;
    // Refused before binding when the address says so already (a name is checked once
    // bound).
    if let Ok(ip) = args.host.parse::<std::net::IpAddr>() {
        state.listening_on(std::net::SocketAddr::new(ip, args.port))?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = TcpListener::bind((bind_host(&args.host), args.port))
            .await
            .with_context(|| format!("cannot listen on {}:{}", args.host, args.port))?;
        let addr = listener.local_addr()?;
        state.listening_on(addr)?;
        let widgets: Vec<String> = state
            .catalog()
            .active_widget_ids()
            .map(|id| id.to_string())
            .collect();
        tracing::info!(
            "freshmock listening on http://{addr} (widgets {})",
            widgets.join(", ")
        );
        if let Some(file) = &args.import {
            import_state(&state, file).await?;
        }
        if let (true, Some(dir)) = (args.watch, &args.account.fixtures) {
            watch::fixtures(
                state.clone(),
                dir.clone(),
                tokio::runtime::Handle::current(),
            )?;
        }
        println!("freshmock listening on http://{addr}");
        freshmock::run(listener, state.clone(), stop_signal()).await?;
        if let Some(file) = &args.export_on_exit {
            export_state(&state, file).await?;
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// What `FRESHMOCK_LOG` lets through: comma-separated `LEVEL` or `TARGET=LEVEL` directives
/// (`warn`, `freshmock=debug`, `freshmock=debug,tantivy=info`; the longest matching target
/// wins), `freshmock=info` when it is unset or does not parse (with a line saying so). The forms `RUST_LOG`-style
/// env filters know beyond these (spans, fields, regular expressions) do not parse, and
/// give the default: the env filter that read them was 0.1 MB of the binary.
fn log_filter(var: Option<&str>) -> Targets {
    let default = || Targets::new().with_target("freshmock", tracing::Level::INFO);
    let Some(var) = var else {
        return default();
    };
    // Empty directives are skipped, as the env filter did; none at all logs nothing.
    let directives: Vec<&str> = var.split(',').filter(|d| !d.is_empty()).collect();
    if directives.is_empty() {
        return Targets::new();
    }
    directives.join(",").parse().unwrap_or_else(|err| {
        // Said before the log exists, so that a filter that hides everything is noticed.
        eprintln!("freshmock: FRESHMOCK_LOG={var:?} is not understood ({err}); logging freshmock=info (directives: LEVEL or TARGET=LEVEL, comma-separated)");
        default()
    })
}

/// Ctrl-C, or SIGTERM (what a container runtime or a test harness sends to stop a server).
async fn stop_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let terminated = async {
        match term.as_mut() {
            Some(term) => {
                term.recv().await;
            }
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminated => {}
    }
}

/// `--import FILE`: the state document restored before the first request.
async fn import_state(state: &AppState, file: &std::path::Path) -> anyhow::Result<()> {
    let text =
        std::fs::read(file).with_context(|| format!("cannot read --import {}", file.display()))?;
    let document: serde_json::Value = serde_json::from_slice(&text)
        .with_context(|| format!("--import {} is not JSON", file.display()))?;
    state
        .import_state(document)
        .await
        .with_context(|| format!("cannot restore --import {}", file.display()))?;
    tracing::info!("state restored from {}", file.display());
    Ok(())
}

/// `--export-on-exit FILE`: the state document, written whole or not at all (a temporary
/// file renamed over the old one).
async fn export_state(state: &AppState, file: &std::path::Path) -> anyhow::Result<()> {
    let document = state
        .export_state()
        .await
        .context("cannot read the state to export")?;
    let mut text = serde_json::to_vec_pretty(&document)?;
    text.push(b'\n');
    let partial = file.with_extension("partial");
    std::fs::write(&partial, &text)
        .and_then(|()| std::fs::rename(&partial, file))
        .with_context(|| format!("cannot write --export-on-exit {}", file.display()))?;
    tracing::info!("state exported to {}", file.display());
    Ok(())
}

/// The address to bind for `--host`: `localhost` is loopback without a name lookup, since
/// the static binary in an empty container has no /etc/hosts to look it up in.
fn bind_host(host: &str) -> &str {
    if host.eq_ignore_ascii_case("localhost") {
        "127.0.0.1"
    } else {
        host
    }
}

/// `freshmock health`: 0 and a summary when the server is ready, 1 and the reason if not.
fn health(args: &HealthArgs, serve: &ServeArgs) -> ExitCode {
    let url = args
        .url
        .clone()
        .unwrap_or_else(|| health::default_url(&serve.host, serve.port));
    match health::check(&url, args.control_token.as_deref()) {
        Ok(summary) => {
            println!("freshmock health: {summary}");
            ExitCode::SUCCESS
        }
        Err(reason) => {
            eprintln!("freshmock health: {reason}");
            ExitCode::FAILURE
        }
    }
}

fn generate(args: GenerateArgs) -> anyhow::Result<ExitCode> {
    let options = generate::Options::new(args.articles, &args.languages, args.seed)?;
    let set = generate::generate(&options)?;
    generate::write_dir(&set, &args.out)?;
    let translations: usize = set.articles().map(|(_, _, a)| a.translations.len()).sum();
    println!(
        "wrote {} articles ({translations} translations) in {} categories to {}",
        args.articles,
        set.solutions.len(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let (base, domain) = import::resolve_source(args.domain.as_deref(), args.url.as_deref())?;
    let options = import::Options {
        base,
        domain,
        portal_host: args.portal_host,
        key: import::ApiKey::new(args.api_key),
        out: args.out.clone(),
        force: args.force,
        resume: args.resume,
        drafts: args.drafts,
        contacts: args.contacts,
        redact: !args.no_redact,
        widget_id: args.widget_id,
        categories: args.categories,
        jobs: args.jobs,
        retries: args.retries,
        quiet: args.quiet,
    };
    let summary = import::run(&options)?;
    println!("{}", import::describe(&summary, &args.out));
    Ok(ExitCode::SUCCESS)
}

fn print_token(args: TokenArgs) -> anyhow::Result<ExitCode> {
    let state = AppState::new(args.account.config()?)?;
    let name = match args.name {
        Some(name) => name,
        None => state
            .user_name(&args.email)
            .with_context(|| format!("{} is not a fixture user: give --name", args.email))?,
    };
    let exp = args
        .exp
        .unwrap_or_else(|| state.now_secs() + args.ttl.as_secs() as i64);
    let secret = state.secret();
    println!(
        "{}",
        tokens::mint(
            &args.alg,
            &secret,
            &json!({ "name": name, "email": args.email, "exp": exp })
        )
    );
    Ok(ExitCode::SUCCESS)
}

fn explain(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let state = AppState::new(args.account.config()?)?;
    let verdict = tokens::explain(&state, &args.token);
    if verdict.accepted {
        println!("Freshdesk would accept this token.");
    } else {
        println!(
            "Freshdesk would answer {}: {}",
            verdict.status,
            verdict
                .body
                .map(|b| b.to_string())
                .unwrap_or_else(|| "(empty body)".into())
        );
    }
    println!("Why: {}", verdict.reason);
    if let Some(claims) = verdict.claims {
        println!("Payload: {claims}");
    }
    Ok(if verdict.accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::log_filter;
    use tracing::Level;

    #[test]
    fn the_log_shows_freshmock_info_unless_freshmock_log_says_otherwise() {
        for unset_or_unreadable in [None, Some("freshmock=loud"), Some("a=b=c")] {
            let filter = log_filter(unset_or_unreadable);
            assert!(filter.would_enable("freshmock", &Level::INFO));
            assert!(filter.would_enable("freshmock::http", &Level::WARN));
            assert!(!filter.would_enable("freshmock", &Level::DEBUG));
            assert!(!filter.would_enable("tantivy", &Level::ERROR));
        }
    }

    #[test]
    fn freshmock_log_takes_a_level_or_target_levels() {
        let warn = log_filter(Some("warn"));
        assert!(warn.would_enable("freshmock", &Level::WARN));
        assert!(warn.would_enable("tantivy", &Level::ERROR));
        assert!(!warn.would_enable("freshmock", &Level::INFO));

        let debug = log_filter(Some("freshmock=debug,,tantivy=error"));
        assert!(debug.would_enable("freshmock::state", &Level::DEBUG));
        assert!(debug.would_enable("tantivy", &Level::ERROR));
        assert!(!debug.would_enable("tantivy", &Level::WARN));
        assert!(!debug.would_enable("hyper", &Level::ERROR));

        let off = log_filter(Some("off"));
        assert!(!off.would_enable("freshmock", &Level::ERROR));
        assert!(!log_filter(Some(",")).would_enable("freshmock", &Level::ERROR));
    }
}
