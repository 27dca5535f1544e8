import Foundation

/// The data directory holds the password hash, sealed provider keys, the encryption key
/// and call logs: it is kept 0700 and its files 0600, whatever umask or an earlier install
/// left behind.
enum PrivateFiles {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Makes the directory 0700 and each existing file 0600; returns what it had to change.
    static func tighten(directory: String, files: [String]) throws -> [String] {
        var changed: [String] = []
        if try restrict(directory, to: 0o700) { changed.append(directory) }
        for name in files {
            let path = (directory as NSString).appendingPathComponent(name)
            if try restrict(path, to: 0o600) { changed.append(path) }
        }
        return changed
    }

    /// Creates an empty file with mode 0600 unless it exists.
    static func create(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd >= 0 {
            close(fd)
        } else if errno != EEXIST {
            throw Failure(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// chmod when the mode gives group or others any access; true when it did.
    private static func restrict(_ path: String, to mode: Int) throws -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let current = attributes[.posixPermissions] as? Int, current & 0o077 != 0 else { return false }
        do {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        } catch {
            throw Failure(description: "cannot make \(path) private (mode \(String(mode, radix: 8))): \(error.localizedDescription)")
        }
        return true
    }
}
