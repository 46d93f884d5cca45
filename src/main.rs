use std::io::Write;
use std::process::ExitCode;

use jamtui::cli::{self, Command, ParseFailure, one_line_error, parse_with_config};
use jamtui::run;

/// jemalloc, as redis uses: with size classes and no header per allocation, an idle client costs
/// about 1.26 KiB of memory instead of glibc's 1.49 (docs/BENCHMARKS.md). Linux only: elsewhere
/// the system allocator, with nothing to build in C.
#[cfg(target_os = "linux")]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().collect();
    let cli = match parse_with_config(&args) {
        Ok(cli) => cli,
        Err(ParseFailure::Flags(error)) if !error.use_stderr() => {
            // --help and --version
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(ParseFailure::Flags(error)) => {
            tell(&one_line_error(&error, &args));
            return ExitCode::from(2);
        }
        Err(ParseFailure::Config(error)) => {
            tell(&format!("error: {error:#}"));
            return ExitCode::from(2);
        }
    };
    // Thousands of clients need thousands of file descriptors; raise the soft limit to the hard one.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let outcome = match cli.command {
        Some(Command::Client(args)) => run::client(args.options()),
        Some(Command::Bench(args)) => run::bench(args.options(), args.json),
        Some(Command::Check(args)) => run::check(args.job()),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(shell, &mut cli::command(), "jamtui", &mut std::io::stdout());
            Ok(())
        }
        Some(Command::Man { subcommand }) => cli::man_page(subcommand.as_deref())
            .and_then(|roff| Ok(std::io::stdout().write_all(&roff)?)),
        None if cli.serve.headless => run::headless(&cli.serve.serve_options()),
        None => cli
            .serve
            .dashboard_options()
            .and_then(|dashboard| run::with_dashboard(&cli.serve.serve_options(), &dashboard)),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // `jamtui man | head`: the reader left; nothing is wrong.
        Err(error)
            if error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|error| error.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(error) if error.is::<run::AlreadyTold>() => ExitCode::FAILURE,
        Err(error) => {
            tell(&format!("error: {error:#}"));
            ExitCode::FAILURE
        }
    }
}

/// One line on stderr; if stderr is gone (the terminal hung up), the exit status still tells.
fn tell(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}
