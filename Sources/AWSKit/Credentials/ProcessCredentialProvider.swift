import AWSSigV4
import Foundation
import Logging

/// A profile's `credential_process`: runs the command (split as a POSIX shell would split
/// words, without running a shell, as botocore does) and reads the JSON it prints:
/// `{"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?, "Expiration"?}`.
/// IAM Roles Anywhere's signing helper, aws-vault and password managers work this way.
/// The command's standard error is passed on to the operator only in failures, redacted.
public struct ProcessCredentialProvider: CredentialProvider {
    /// The command line as the profile gives it.
    public let command: String
    /// The profile it came from, for messages.
    public let profile: String

    /// Creates the provider.
    public init(command: String, profile: String) { self.command = command; self.profile = profile }

    public func credential(logger: Logger) async throws -> ExpiringCredential {
        let words = Self.split(command)
        guard let executable = words.first else { throw fail("credential_process is empty") }
        let (status, output, errors) = try await run(executable, Array(words.dropFirst()))
        guard status == 0 else {
            throw fail("credential_process exited with status \(status): \(Redaction.redact(String(errors.suffix(500))))")
        }
        guard let object = try? JSONSerialization.jsonObject(with: output) as? [String: Any] else {
            throw fail("credential_process did not print a JSON object")
        }
        guard (object["Version"] as? Int) == 1 else { throw fail("credential_process printed Version \(object["Version"] ?? "none"); only 1 is known") }
        do {
            return try ExpiringCredential.decode(object, tokenKey: "SessionToken", source: "profile \(profile) (credential_process)")
        } catch {
            throw fail("credential_process printed \(error.reason)")
        }
    }

    private func fail(_ message: String) -> AWSError {
        AWSError.credentials("credential_process", code: "CredentialProcessError", "profile \"\(profile)\": \(message)")
    }

    /// Runs the command off the cooperative pool and collects its output.
    private func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, Data, String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                let process = Process()
                if executable.contains("/") {
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = arguments
                } else {
                    // A bare name is looked up on PATH, as the shell's exec would.
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = [executable] + arguments
                }
                let out = Pipe(), err = Pipe()
                process.standardOutput = out
                process.standardError = err
                process.standardInput = FileHandle.nullDevice
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: fail("cannot run \(executable): \(error.localizedDescription)"))
                    return
                }
                let output = out.fileHandleForReading.readDataToEndOfFile()
                let errors = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, output, String(decoding: errors, as: UTF8.self)))
            }.start()
        }
    }

    /// Words as `shlex.split` makes them: whitespace separates, single quotes keep everything,
    /// double quotes keep everything but `\"` and `\\`, a backslash outside quotes escapes the next character.
    static func split(_ line: String) -> [String] {
        var words: [String] = [], word = "", inWord = false
        var quote: Character?
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if let q = quote {
                if c == q { quote = nil } else if q == "\"" && c == "\\", let next = chars.first, next == "\"" || next == "\\" {
                    word.append(chars.removeFirst())
                } else { word.append(c) }
            } else if c == "'" || c == "\"" {
                quote = c; inWord = true
            } else if c == "\\", let next = chars.popFirst() {
                word.append(next); inWord = true
            } else if c.isWhitespace {
                if inWord { words.append(word); word = ""; inWord = false }
            } else {
                word.append(c); inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }
}
