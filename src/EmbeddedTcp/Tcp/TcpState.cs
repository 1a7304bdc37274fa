namespace EmbeddedTcp.Tcp
{
    /// <summary>The eleven states of RFC 9293 section 3.3.2.</summary>
    public enum TcpState : byte
    {
        Closed = 0,
        Listen,
        SynSent,
        SynReceived,
        Established,
        FinWait1,
        FinWait2,
        Closing,
        TimeWait,
        CloseWait,
        LastAck,
    }
}
