using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using EmbeddedTcp.Hal;

namespace EmbeddedTcp.Simulation
{
    /// <summary>
    /// Thrown when a <see cref="TapDevice"/> cannot be opened. The message is one line that says
    /// what to do (run as root, load the tun module...).
    /// </summary>
    public sealed class TapDeviceException : IOException
    {
        /// <summary>Creates the exception with the errno that caused it.</summary>
        public TapDeviceException(string message, int errno) : base(message) { Errno = errno; }

        /// <summary>The Linux errno of the failed call (0 when not from a system call).</summary>
        public int Errno { get; }
    }

    /// <summary>
    /// A Linux TAP interface as an <see cref="INetworkDevice"/>: the stack's frames go to the
    /// kernel, which sees them arrive on the TAP interface, and frames the kernel sends out of
    /// that interface come back through <see cref="Receive"/>. Opens <c>/dev/net/tun</c> with
    /// IFF_TAP | IFF_NO_PI (no packet-information header) through ioctl TUNSETIFF; attaches to an
    /// existing TAP of that name (for example one made by <c>ip tuntap add dev NAME mode tap</c>)
    /// or creates a transient one that disappears on <see cref="Dispose"/>.
    /// Reads are non-blocking; <see cref="WaitForFrame"/> blocks up to a timeout with poll(2).
    /// Receive and Send use a preallocated buffer and allocate nothing.
    /// The MAC address reported by <see cref="GetMacAddress"/> is the simulated board's, given to
    /// the constructor; the kernel side of the TAP has its own MAC.
    /// Needs CAP_NET_ADMIN (root) to create or attach unless the TAP is owned by the user.
    /// </summary>
    public sealed unsafe class TapDevice : INetworkDevice, IDisposable
    {
        private const int O_RDWR = 2;
        private const int O_NONBLOCK = 0x800;
        private const int O_CLOEXEC = 0x80000;
        private const ulong TUNSETIFF = 0x400454CA;
        private const short IFF_TAP = 0x0002;
        private const short IFF_NO_PI = 0x1000;
        private const int IFNAMSIZ = 16;
        private const short POLLIN = 0x0001;
        private const int EINTR = 4;
        private const int EAGAIN = 11;
        private const int EPERM = 1, ENOENT = 2, EACCES = 13, EBUSY = 16, ENODEV = 19, EINVAL = 22, ENXIO = 6;

        private readonly byte[] _mac = new byte[6];
        private readonly byte[] _readBuffer = new byte[65536];
        private int _fd;

        /// <summary>
        /// Opens the TAP interface <paramref name="interfaceName"/> (at most 15 characters) for a
        /// board with MAC <paramref name="macAddress"/> (6 bytes). Throws
        /// <see cref="TapDeviceException"/> when /dev/net/tun is missing or not permitted, and
        /// <see cref="PlatformNotSupportedException"/> outside Linux.
        /// </summary>
        public TapDevice(string interfaceName, byte[] macAddress)
        {
            if (!OperatingSystem.IsLinux())
            {
                throw new PlatformNotSupportedException("TapDevice needs Linux (/dev/net/tun).");
            }

            if (string.IsNullOrEmpty(interfaceName) || Encoding.ASCII.GetByteCount(interfaceName) >= IFNAMSIZ)
            {
                throw new ArgumentException("interface name must be 1..15 ASCII characters", nameof(interfaceName));
            }

            if (macAddress == null || macAddress.Length != 6)
            {
                throw new ArgumentException("a MAC address is 6 bytes", nameof(macAddress));
            }

            Array.Copy(macAddress, _mac, 6);

            _fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
            if (_fd < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                string why = errno == ENOENT || errno == ENODEV || errno == ENXIO
                    ? "/dev/net/tun does not exist (load the tun module: modprobe tun; in a container, pass --device /dev/net/tun)"
                    : errno == EACCES || errno == EPERM
                        ? "no permission to open /dev/net/tun (run as root or with CAP_NET_ADMIN)"
                        : "cannot open /dev/net/tun: errno " + errno;
                throw new TapDeviceException("TapDevice: " + why + ".", errno);
            }

            byte* ifr = stackalloc byte[40];
            for (int i = 0; i < 40; i++)
            {
                ifr[i] = 0;
            }

            byte[] nameBytes = Encoding.ASCII.GetBytes(interfaceName);
            for (int i = 0; i < nameBytes.Length; i++)
            {
                ifr[i] = nameBytes[i];
            }

            *(short*)(ifr + IFNAMSIZ) = (short)(IFF_TAP | IFF_NO_PI);
            if (ioctl(_fd, TUNSETIFF, ifr) < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                close(_fd);
                _fd = -1;
                string why = errno == EPERM || errno == EACCES
                    ? "no permission to create or attach TAP '" + interfaceName + "' (run as root or with CAP_NET_ADMIN, or create it with ip tuntap add ... user YOU)"
                    : errno == EBUSY
                        ? "TAP '" + interfaceName + "' is busy (another process has it open, or it is a TUN or multi-queue device)"
                        : errno == EINVAL
                            ? "'" + interfaceName + "' exists but is not a TAP device with these flags"
                            : "ioctl TUNSETIFF on '" + interfaceName + "' failed: errno " + errno;
                throw new TapDeviceException("TapDevice: " + why + ".", errno);
            }
            int len = 0;
            while (len < IFNAMSIZ && ifr[len] != 0)
            {
                len++;
            }

            InterfaceName = Encoding.ASCII.GetString(ifr, len);
        }

        /// <summary>The kernel's name of the interface.</summary>
        public string InterfaceName { get; }

        /// <summary>Frames read from the kernel.</summary>
        public long FramesReceived { get; private set; }
        /// <summary>Frames written to the kernel.</summary>
        public long FramesSent { get; private set; }
        /// <summary>Frames dropped because the caller's buffer was smaller than the frame.</summary>
        public long ReceiveTooLong { get; private set; }
        /// <summary>Reads that failed with an error other than "nothing waiting".</summary>
        public long ReceiveErrors { get; private set; }
        /// <summary>Writes the kernel refused (for example while the interface is down: EIO).</summary>
        public long SendErrors { get; private set; }
        /// <summary>errno of the last failed read or write (0 if none).</summary>
        public int LastErrno { get; private set; }

        /// <inheritdoc />
        public void GetMacAddress(byte[] destination, int offset) => Array.Copy(_mac, 0, destination, offset, 6);

        /// <summary>True while the TAP file descriptor is open.</summary>
        public bool LinkUp => _fd >= 0;

        /// <inheritdoc />
        public int Receive(byte[] buffer, int offset, int capacity)
        {
            if (_fd < 0)
            {
                return 0;
            }
            // Bounded: skip at most a few frames that do not fit the caller's buffer.
            for (int attempt = 0; attempt < 8; attempt++)
            {
                long n;
                fixed (byte* p = _readBuffer)
                {
                    n = (long)read(_fd, p, (nint)_readBuffer.Length);
                }

                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == EAGAIN || errno == EINTR)
                    {
                        return 0;
                    }

                    ReceiveErrors++;
                    LastErrno = errno;
                    return 0;
                }
                if (n == 0)
                {
                    return 0;
                }

                if (n > capacity)
                {
                    ReceiveTooLong++;
                    continue;
                }
                Array.Copy(_readBuffer, 0, buffer, offset, (int)n);
                FramesReceived++;
                return (int)n;
            }
            return 0;
        }

        /// <inheritdoc />
        public bool Send(byte[] frame, int offset, int length)
        {
            if (_fd < 0 || length <= 0 || offset < 0 || offset + length > frame.Length)
            {
                return false;
            }

            long n;
            fixed (byte* p = frame)
            {
                n = (long)write(_fd, p + offset, (nint)length);
            }

            if (n != length)
            {
                SendErrors++;
                LastErrno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
                return false;
            }
            FramesSent++;
            return true;
        }

        /// <inheritdoc />
        public void Poll(long nowMs) { }

        /// <summary>
        /// Waits up to <paramref name="timeoutMs"/> milliseconds (0 = just check) for a frame to
        /// be readable. Returns true when one is. For real-time loops on the desktop only.
        /// </summary>
        public bool WaitForFrame(int timeoutMs)
        {
            if (_fd < 0)
            {
                return false;
            }

            PollFd pfd;
            pfd.Fd = _fd;
            pfd.Events = POLLIN;
            pfd.Revents = 0;
            int r = poll(&pfd, 1, timeoutMs);
            return r > 0 && (pfd.Revents & POLLIN) != 0;
        }

        /// <summary>Closes the file descriptor. A TAP this device created disappears; an existing persistent one stays.</summary>
        public void Dispose()
        {
            if (_fd >= 0)
            {
                close(_fd);
                _fd = -1;
            }
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

        [DllImport("libc", SetLastError = true)]
        private static extern int ioctl(int fd, ulong request, void* argument);

        [DllImport("libc", SetLastError = true)]
        private static extern nint read(int fd, byte* buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        private static extern nint write(int fd, byte* buffer, nint count);

        [DllImport("libc", SetLastError = true)]
        private static extern int poll(PollFd* fds, ulong count, int timeoutMs);

        [DllImport("libc", SetLastError = true)]
        private static extern int close(int fd);
    }
}
