using System.Collections.Concurrent;
using System.Diagnostics;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>
/// Starts child processes from one dedicated, long-lived thread. Children are wrapped in
/// <c>setsid</c> (own process group, signalled as a whole) and <c>setpriv --pdeathsig SIGTERM</c>
/// (die with the AppHost). Linux delivers the parent-death signal when the <em>thread</em> that
/// forked exits, so forking from short-lived thread-pool threads would randomly kill children.
/// </summary>
internal sealed class ProcessLauncher : IDisposable
{
    private readonly BlockingCollection<(ProcessStartInfo Info, Action<Process> Configure, TaskCompletionSource<Process> Result)> _queue = new();
    private readonly Thread _thread;
    private readonly string? _setsid = OperatingSystem.IsLinux() ? UnixEnvironment.FindOnPath("setsid") : null;
    private readonly string? _setpriv = OperatingSystem.IsLinux() ? UnixEnvironment.FindOnPath("setpriv") : null;

    public ProcessLauncher()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "gozon-process-launcher" };
        _thread.Start();
    }

    /// <summary>True when children run in their own process group, so <c>kill(-pid)</c> reaches the whole group.</summary>
    public bool UsesProcessGroups => _setsid is not null;

    public Task<Process> StartAsync(ProcessSpec spec, Action<string, bool> onOutput)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(onOutput);
        var info = CreateStartInfo(spec);
        var result = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Add((info, process =>
        {
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    onOutput(e.Data, false);
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    onOutput(e.Data, true);
                }
            };
        }, result));
        return result.Task;
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _queue.Dispose();
    }

    private ProcessStartInfo CreateStartInfo(ProcessSpec spec)
    {
        var command = new List<string>();
        if (_setsid is not null)
        {
            command.Add(_setsid);
        }

        if (_setpriv is not null)
        {
            command.Add(_setpriv);
            if (spec.RunAsUser is not null && UnixEnvironment.IsRoot)
            {
                command.AddRange([$"--reuid={spec.RunAsUser}", $"--regid={spec.RunAsUser}", "--init-groups"]);
            }

            // After the credential change, so it is not cleared by it.
            command.AddRange(["--pdeathsig", "SIGTERM", "--"]);
        }
        else if (spec.RunAsUser is not null && UnixEnvironment.IsRoot)
        {
            throw new DistributedApplicationException($"setpriv is needed to run {spec.FileName} as '{spec.RunAsUser}': apt-get install util-linux");
        }

        command.Add(spec.FileName);
        command.AddRange(spec.Arguments);

        var info = new ProcessStartInfo(command[0])
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in spec.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        return info;
    }

    private void Run()
    {
        foreach (var (info, configure, result) in _queue.GetConsumingEnumerable())
        {
            try
            {
                var process = new Process { StartInfo = info, EnableRaisingEvents = true };
                configure(process);
                process.Start();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                result.TrySetResult(process);
            }
            catch (Exception ex)
            {
                result.TrySetException(new DistributedApplicationException($"Could not start '{string.Join(' ', info.ArgumentList.Prepend(info.FileName))}': {ex.Message}", ex));
            }
        }
    }
}
