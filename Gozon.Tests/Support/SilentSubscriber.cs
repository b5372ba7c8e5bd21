using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Gozon.Tests.Support;

/// <summary>
/// A hub client that subscribes to its user's orders and then never reads its socket again, while it keeps pinging so
/// the server's client timeout never closes it: a stalled tab, a client behind a link that has stopped draining.
/// Raw WebSockets and the SignalR JSON protocol by hand, because a real client library always reads.
/// </summary>
public sealed class SilentSubscriber : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';

    // A small receive buffer, set before connecting so the kernel does not grow it, and the segment size of an
    // Ethernet path: over loopback (64 KB segments) the server's kernel would size its send buffer for this peer at
    // ~3 MB, a minute of pushes on a shared test machine; with real-network segments it is tens of kilobytes, and
    // SignalR's own buffers are full after a couple of hundred pushes.
    private const int ReceiveBufferBytes = 4096;
    private const int SegmentBytes = 1460;
    private const int IpProtoTcp = 6;
    private const int TcpMaxSegment = 2; // TCP_MAXSEG on Linux
    private static readonly TimeSpan PingInterval = TimeSpan.FromMilliseconds(200);

    private readonly HttpMessageInvoker _invoker;
    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource<TimeSpan> _dropped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Stopwatch _silent = new();
    private Task _pinging = Task.CompletedTask;

    private SilentSubscriber(HttpMessageInvoker invoker, ClientWebSocket socket)
    {
        _invoker = invoker;
        _socket = socket;
    }

    /// <summary>Completes when a ping fails because the server dropped the connection; the time since silence began.</summary>
    public Task<TimeSpan> Dropped => _dropped.Task;

    /// <summary>Since the subscription was answered: the last message this client read.</summary>
    public TimeSpan SilentFor => _silent.Elapsed;

    /// <summary>When it fell silent, to find the server's side in the system log.</summary>
    public DateTimeOffset SilentSince { get; private set; }

    /// <summary>Connects to <paramref name="orders"/>, subscribes (with the gateway's key) to every order of <paramref name="userId"/>, then falls silent.</summary>
    public static async Task<SilentSubscriber> ConnectAsync(Uri orders, string userId, string gatewayKey, CancellationToken cancellationToken = default)
    {
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = ConnectWithSmallReceiveBufferAsync });
        var socket = new ClientWebSocket();
        // Straight to the replica, as the gateway connects: its key makes the user header count.
        socket.Options.SetRequestHeader(GozonApi.UserHeader, userId);
        socket.Options.SetRequestHeader(Gozon.Testing.GozonApp.GatewayKeyHeader, gatewayKey);
        var subscriber = new SilentSubscriber(invoker, socket);
        try
        {
            var hub = new UriBuilder(new Uri(orders, OrderStatusSubscriber.HubPath)) { Scheme = "ws" }.Uri;
            await socket.ConnectAsync(hub, invoker, cancellationToken);
            await subscriber.SendAsync("""{"protocol":"json","version":1}""", cancellationToken);
            await subscriber.ReadUntilAsync("{}", cancellationToken);
            await subscriber.SendAsync("""{"type":1,"invocationId":"1","target":"SubscribeToMyOrders","arguments":[]}""", cancellationToken);
            // Read until the subscription is answered: from then on every change of the user is pushed here.
            await subscriber.ReadUntilAsync("""{"type":3,"invocationId":"1",""", cancellationToken);
        }
        catch
        {
            await subscriber.DisposeAsync();
            throw;
        }

        subscriber._silent.Start();
        subscriber.SilentSince = DateTimeOffset.UtcNow;
        subscriber._pinging = subscriber.PingAsync(subscriber._stop.Token);
        return subscriber;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pinging;
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        _stop.Dispose();
    }

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PingInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await SendAsync("""{"type":6}""", cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception) when (exception is WebSocketException or IOException or ObjectDisposedException)
        {
            _dropped.TrySetResult(_silent.Elapsed);
        }
    }

    private Task SendAsync(string message, CancellationToken cancellationToken) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(message + RecordSeparator), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);

    /// <summary>Reads messages until one starts with <paramref name="prefix"/>.</summary>
    private async Task ReadUntilAsync(string prefix, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        var text = new StringBuilder();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new InvalidOperationException($"The hub closed the connection: {result.CloseStatusDescription}");
            }

            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            var messages = text.ToString().Split(RecordSeparator);
            if (messages[..^1].Any(m => m.StartsWith(prefix, StringComparison.Ordinal)))
            {
                return;
            }

            text.Clear().Append(messages[^1]);
        }
    }

    private static async ValueTask<Stream> ConnectWithSmallReceiveBufferAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = ReceiveBufferBytes };
        try
        {
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption(IpProtoTcp, TcpMaxSegment, BitConverter.GetBytes(SegmentBytes));
            }

            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
