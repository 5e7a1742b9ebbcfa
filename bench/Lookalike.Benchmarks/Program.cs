using BenchmarkDotNet.Running;

// Pick stages with --filter, e.g. `-- --filter '*Search*'`; `-- --list flat` lists them. Each class times one stage
// of the pipeline on a real shared photo with the real models (fetch them first: `lookalike models fetch`).
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
