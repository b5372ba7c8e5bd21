using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Gozon.Tests.Support;

/// <summary>
/// A TCP proxy in front of the test broker that can drop every connection at once, the way a network failure
/// does (reset, no AMQP close), and that reads the client's frames to count the channels each connection has
/// open. Client libraries treat such a drop as theirs to recover, unlike a close the application asked for.
/// </summary>
public sealed class AmqpCuttingProxy : IAsyncDisposable
{
    private const byte MethodFrame = 1;
    private const ushort ChannelClass = 20;
    private const ushort ChannelOpen = 10;
    private const ushort ChannelClose = 40;
    private const ushort ChannelCloseOk = 41;
    private const int ProtocolHeaderLength = 8;
    private const int FrameHeaderLength = 7;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly DnsEndPoint _broker;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<ProxiedConnection> _connections = new();
    private readonly Task _accepting;

    private AmqpCuttingProxy(Uri broker)
    {
        _broker = new DnsEndPoint(broker.Host, broker.Port);
        _listener.Start();
        _accepting = AcceptAsync();
        var through = new UriBuilder(broker) { Host = "127.0.0.1", Port = ((IPEndPoint)_listener.LocalEndpoint).Port };
        Uri = through.Uri;
    }

    /// <summary>The broker's URI (credentials included) pointed at this proxy.</summary>
    public Uri Uri { get; }

    /// <summary>Every connection made through the proxy, oldest first.</summary>
    public IReadOnlyList<ProxiedConnection> Connections => [.. _connections];

    public static AmqpCuttingProxy Start(string brokerUri) => new(new Uri(brokerUri));

    /// <summary>Resets every live connection on both sides.</summary>
    public void CutAll()
    {
        foreach (var connection in _connections)
        {
            connection.Cut();
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stopping.Token);
                var server = new TcpClient();
                await server.ConnectAsync(_broker.Host, _broker.Port, _stopping.Token);
                var connection = new ProxiedConnection(client, server);
                _connections.Enqueue(connection);
                connection.Run(_stopping.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        await _accepting;
        CutAll();
        _stopping.Dispose();
    }

    public sealed class ProxiedConnection(TcpClient client, TcpClient server)
    {
        private int _openChannels;
        private volatile bool _stalled;

        /// <summary>Channels the client opened and has not closed (nor acknowledged the broker's close of).</summary>
        public int OpenChannels => Volatile.Read(ref _openChannels);

        /// <summary>
        /// Holds the client's frames from now on, keeping both sockets open: the broker never sees what the client
        /// sends next, and the client waits for answers that do not come, until the connection is cut.
        /// </summary>
        public void Stall() => _stalled = true;

        internal void Run(CancellationToken cancellationToken)
        {
            _ = PumpClientFramesAsync(cancellationToken);
            _ = PumpAsync(server.GetStream(), client.GetStream(), cancellationToken);
        }

        internal void Cut()
        {
            foreach (var socket in new[] { client.Client, server.Client })
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }

        private async Task PumpClientFramesAsync(CancellationToken cancellationToken)
        {
            var from = client.GetStream();
            var to = server.GetStream();
            try
            {
                var header = new byte[ProtocolHeaderLength];
                await from.ReadExactlyAsync(header, cancellationToken);
                await to.WriteAsync(header, cancellationToken);
                var frameHeader = new byte[FrameHeaderLength];
                while (true)
                {
                    await from.ReadExactlyAsync(frameHeader, cancellationToken);
                    var rest = new byte[BinaryPrimitives.ReadUInt32BigEndian(frameHeader.AsSpan(3)) + 1]; // payload + frame end
                    await from.ReadExactlyAsync(rest, cancellationToken);
                    Count(frameHeader[0], rest);
                    if (_stalled)
                    {
                        await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                    }

                    await to.WriteAsync(frameHeader, cancellationToken);
                    await to.WriteAsync(rest, cancellationToken);
                }
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
            {
                Cut();
            }
        }

        private void Count(byte frameType, byte[] payload)
        {
            if (frameType != MethodFrame || payload.Length < 4 || BinaryPrimitives.ReadUInt16BigEndian(payload) != ChannelClass)
            {
                return;
            }

            switch (BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(2)))
            {
                case ChannelOpen:
                    Interlocked.Increment(ref _openChannels);
                    break;
                case ChannelClose or ChannelCloseOk:
                    Interlocked.Decrement(ref _openChannels);
                    break;
            }
        }

        private async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
        {
            try
            {
                await from.CopyToAsync(to, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
            {
            }

            Cut();
        }
    }
}
