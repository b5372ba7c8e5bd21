namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>Finds the <c>dotnet</c> muxer used to run project dlls.</summary>
internal static class DotnetHost
{
    public static string Path
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromEnvironment) && File.Exists(fromEnvironment))
            {
                return fromEnvironment;
            }

            var processPath = Environment.ProcessPath;
            if (processPath is not null && System.IO.Path.GetFileNameWithoutExtension(processPath) == "dotnet")
            {
                return processPath;
            }

            var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
            if (!string.IsNullOrEmpty(root) && File.Exists(System.IO.Path.Combine(root, "dotnet")))
            {
                return System.IO.Path.Combine(root, "dotnet");
            }

            // <root>/shared/Microsoft.NETCore.App/<version>/ -> <root>/dotnet
            var runtimeDir = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
            var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(runtimeDir, "..", "..", "..", "dotnet"));
            return File.Exists(candidate) ? candidate : UnixEnvironment.FindOnPath("dotnet") ?? "dotnet";
        }
    }
}
