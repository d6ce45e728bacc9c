#!/usr/bin/env pwsh
# Thin wrapper over dotnet: ./build.ps1 [build|test|bench|run] — the same commands the README shows.
param(
    [ValidateSet('build', 'test', 'bench', 'run')]
    [string]$Target = 'build'
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

switch ($Target) {
    'build' { dotnet build ActorStream.sln }
    'test'  { dotnet test ActorStream.sln }
    'bench' { dotnet run -c Release --project tests/ActorStream.Benchmarks -- all }
    'run'   { dotnet run --project src/ActorStream.Node }
}
exit $LASTEXITCODE
