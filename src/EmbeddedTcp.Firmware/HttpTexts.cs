namespace EmbeddedTcp.Firmware
{
    /// <summary>
    /// Every text the HTTP service and the status page write, made once: on nanoCLR each executed
    /// string literal (ldstr) creates a new string object, and nanoCLR runs static constructors at
    /// start-up.
    /// </summary>
    internal static class HttpTexts
    {
        public static readonly string FirmwareStatus = " firmware status";
        public static readonly string Address = "address";
        public static readonly string Gateway = " gateway ";
        public static readonly string Mac = "mac";
        public static readonly string LinkUp = " link up";
        public static readonly string LinkDown = " link down";
        public static readonly string Uptime = "uptime";
        public static readonly string Utc = "utc";
        public static readonly string SecondsUnit = " s";
        public static readonly string Frames = "frames";
        public static readonly string In = "in ";
        public static readonly string Out = " out ";
        public static readonly string Malformed = " malformed ";
        public static readonly string Ip = "ip";
        public static readonly string BadChecksum = " bad checksum ";
        public static readonly string IcmpEchoReplies = " icmp echo replies ";
        public static readonly string Tcp = "tcp";
        public static readonly string SegmentsIn = "segments in ";
        public static readonly string Retransmitted = " retransmitted ";
        public static readonly string ResetsIn = " resets in ";
        public static readonly string ActiveOpens = "active opens ";
        public static readonly string PassiveOpens = " passive opens ";
        public static readonly string Dropped = " dropped ";
        public static readonly string Services = "services";
        public static readonly string Echo = "echo ";
        public static readonly string BytesDiscard = "B discard ";
        public static readonly string BytesChargen = "B chargen ";
        public static readonly string BytesHttp = "B http ";
        public static readonly string ConnectionsTitle = "Active Internet connections";
        public static readonly string ConnectionsHeader = "Proto Recv-Q Send-Q Local Address           Foreign Address         State";
        public static readonly string Status200 = "HTTP/1.0 200 OK";
        public static readonly string ContentType = "Content-Type: text/plain";
        public static readonly string ContentLength = "Content-Length: ";
        public static readonly string ConnectionClose = "Connection: close";
        public static readonly string Status404 = "HTTP/1.0 404 Not Found";
        public static readonly string NotFound = "not found";
        public static readonly string Status501 = "HTTP/1.0 501 Not Implemented";
        public static readonly string OnlyGetAndHead = "only GET and HEAD";
        public static readonly string Status400 = "HTTP/1.0 400 Bad Request";
        public static readonly string BadRequest = "bad request";
    }
}
