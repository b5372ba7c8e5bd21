using FsCheck;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Gozon.Tests.Support;

/// <summary>Keeps FsCheck's verdict instead of printing it, so the test can fail with the seed and the shrunk case.</summary>
public sealed class FsCheckResult : IRunner
{
    public TestResult? Result { get; private set; }

    public int Shrinks { get; private set; }

    public void OnStartFixture(Type type)
    {
    }

    public void OnArguments(int testNumber, FSharpList<object> arguments, FSharpFunc<int, FSharpFunc<FSharpList<object>, string>> every)
    {
    }

    public void OnShrink(FSharpList<object> arguments, FSharpFunc<FSharpList<object>, string> everyShrink) => Shrinks++;

    public void OnFinished(string name, TestResult result) => Result = result;
}
