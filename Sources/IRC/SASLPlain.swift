/// SASL PLAIN for IRC (IRCv3 sasl-3.1): `authzid \0 authcid \0 password`, base64, in lines of
/// 400 characters; a payload that is an exact multiple of 400 ends with a lone "+".
public enum SASLPlain {
    public static func authenticateLines(account: String, password: String) -> [String] {
        let payload = Array("\(account)\u{0}\(account)\u{0}\(password)".utf8)
        let encoded = Base64.encode(payload)
        var lines: [String] = []
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 400, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        if encoded.isEmpty || encoded.count % 400 == 0 { lines.append("+") }
        return lines
    }
}

/// Standard base64 (RFC 4648), enough for SASL; the IRC module stays free of Foundation.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
