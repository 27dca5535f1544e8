import CCurl

/// Turns an `UpstreamRequest` into a configured easy handle. Proxies come only from the
/// request: an empty CURLOPT_PROXY keeps libcurl from reading `http_proxy` and friends.
enum EasyConfigurator {
    /// What libcurl reads a response into (its default is 16 KB per handle, held while the
    /// transfer lasts). Events of a stream are a few hundred bytes, so 4 KB costs a large
    /// body a few more reads and saves 12 KB for every stream held open. Every handle gets
    /// the same size: a reused handle keeps the buffer it was first given.
    static let receiveBufferBytes = 4096

    /// Sets every option of the transfer on `reused` (a reset handle) or a new one.
    static func configure(_ transfer: Transfer, reusing reused: UnsafeMutableRawPointer?) throws {
        guard let easy = reused ?? curl_easy_init() else { throw CurlError.invalidRequest("curl_easy_init failed") }
        transfer.easy = easy
        let request = transfer.request
        let lower = request.url.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw CurlError.invalidRequest("only http and https URLs are allowed")
        }
        try check(nr_easy_setopt_string(easy, CURLOPT_URL, request.url), "URL")
        nr_easy_setopt_long(easy, CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTP | CURLPROTO_HTTPS))
        nr_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        nr_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
        nr_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1)
        nr_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2)
        nr_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0)
        nr_easy_setopt_long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1)
        nr_easy_setopt_long(easy, CURLOPT_BUFFERSIZE, receiveBufferBytes)
        nr_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, transfer.errorBuffer)
        nr_easy_setopt_ptr(easy, CURLOPT_PRIVATE, Unmanaged.passUnretained(transfer).toOpaque())

        let timeouts = request.timeouts
        nr_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(timeouts.connect))
        if let total = timeouts.total { nr_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, milliseconds(total)) }

        nr_easy_setopt_string(easy, CURLOPT_PROXY, request.proxy?.url ?? "")
        nr_easy_setopt_string(easy, CURLOPT_NOPROXY, "")

        try configureMethodAndBody(easy, request)

        var list: UnsafeMutablePointer<curl_slist>?
        for header in request.headers {
            guard !header.name.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ":" || $0 == "\0" }),
                  !header.value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" })
            else { throw CurlError.invalidRequest("header '\(header.name)' has a forbidden character") }
            list = curl_slist_append(list, "\(header.name): \(header.value)")
        }
        list = curl_slist_append(list, "Expect:")
        transfer.headerList = list
        nr_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, list)

        let userData = Unmanaged.passUnretained(transfer).toOpaque()
        nr_easy_setopt_write_cb(easy, CURLOPT_WRITEFUNCTION, onBody)
        nr_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, userData)
        nr_easy_setopt_write_cb(easy, CURLOPT_HEADERFUNCTION, onHeader)
        nr_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, userData)
    }

    private static func configureMethodAndBody(_ easy: UnsafeMutableRawPointer, _ request: UpstreamRequest) throws {
        let method = request.method.uppercased()
        guard !method.isEmpty, method.allSatisfy({ $0.isLetter }) else {
            throw CurlError.invalidRequest("bad method")
        }
        if let body = request.body {
            nr_easy_setopt_long(easy, CURLOPT_POST, 1)
            nr_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBytes { raw in
                _ = nr_easy_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1))
            }
            if method != "POST" { nr_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method) }
        } else if method == "HEAD" {
            nr_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        } else if method != "GET" {
            nr_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method)
        }
    }

    private static func check(_ code: CURLcode, _ what: String) throws {
        if code != CURLE_OK { throw CurlError.invalidRequest("\(what) rejected: \(String(cString: curl_easy_strerror(code)))") }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

private let onBody: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, user in
    guard let data, let user else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
    let length = size * count
    switch transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) {
    case .consumed: return length
    case .pause: return Int(CURL_WRITEFUNC_PAUSE)
    case .abort: return 0
    }
}

private let onHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, user in
    guard let data, let user else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(user).takeUnretainedValue()
    let length = size * count
    transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}
