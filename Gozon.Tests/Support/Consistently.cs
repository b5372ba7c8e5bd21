using System.Diagnostics;

namespace Gozon.Tests.Support;

/// <summary>Asserts that something stays true for a while: the only way to observe that a duplicate did nothing.</summary>
public static class Consistently
{
    public static async Task HoldsAsync<T>(Func<Task<T>> probe, Func<T, bool> holds, string what, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var value = await probe();
            Assert.True(holds(value), $"Expected {what} to keep holding, but after {clock.ElapsedMilliseconds} ms got {value}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
