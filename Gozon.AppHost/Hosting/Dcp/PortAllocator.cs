using System.Net;
using System.Net.Sockets;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>Hands out free loopback TCP ports, never the same one twice per AppHost run.</summary>
internal sealed class PortAllocator
{
    private readonly HashSet<int> _handedOut = [];
    private readonly Lock _lock = new();

    public int Allocate()
    {
        lock (_lock)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (_handedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }

    /// <summary>Claims <paramref name="port"/> if nobody listens on it, so a stored port can be reused.</summary>
    public bool TryClaim(int port)
    {
        lock (_lock)
        {
            if (_handedOut.Contains(port))
            {
                return false;
            }

            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                listener.Stop();
            }
            catch (SocketException)
            {
                return false;
            }

            _handedOut.Add(port);
            return true;
        }
    }
}
