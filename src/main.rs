use std::process::ExitCode;

use jamtui::cli::{Command, ParseFailure, one_line_error, parse_with_config};

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
            eprintln!("{}", one_line_error(&error, &args));
            return ExitCode::from(2);
        }
        Err(ParseFailure::Config(error)) => {
            eprintln!("error: {error:#}");
            return ExitCode::from(2);
        }
    };
    // Thousands of clients need thousands of file descriptors; raise the soft limit to the hard one.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let outcome = match cli.command {
        Some(Command::Client(args)) => run_client(&args),
        Some(Command::Bench(args)) => run_bench(&args),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(
                shell,
                &mut jamtui::cli::command(),
                "jamtui",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Some(Command::Man) => clap_mangen::Man::new(jamtui::cli::command())
            .render(&mut std::io::stdout())
            .map_err(Into::into),
        None if cli.serve.headless => jamtui::run::headless::run(&cli.serve),
        None => jamtui::dashboard::run(&cli.serve),
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
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_client(args: &jamtui::cli::ClientArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let mut signals = jamtui::run::signals::ShutdownSignals::install()?;
        tokio::select! {
            outcome = jamtui::client::run(args.options()) => outcome,
            () = signals.recv() => Ok(()),
        }
    })
}

fn run_bench(args: &jamtui::cli::BenchArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Runtime::new()?;
    let report = runtime.block_on(jamtui::bench::run(args.options()))?;
    if args.json {
        println!("{}", report.to_json());
    } else {
        println!("{}", report.to_text());
    }
    if report.requests == 0 {
        anyhow::bail!(
            "no request was answered: {}",
            report.first_error.as_deref().unwrap_or("no error seen")
        );
    }
    Ok(())
}
