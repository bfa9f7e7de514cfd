import AWSSigV4
import Testing

/// A credential must never print its secret parts.
@Suite("AWS credential")
struct AWSCredentialTests {
    static let credential = AWSCredential(
        accessKeyId: "AKIAIOSFODNN71234", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        sessionToken: "FwoGZXIvYXdzEXAMPLETOKEN")

    @Test("description masks the key id and marks temporary credentials")
    func descriptionIsMasked() {
        #expect(Self.credential.description == "AKIA…1234 (session)")
        #expect(AWSCredential(accessKeyId: "AKIAIOSFODNN71234", secretAccessKey: "s").description == "AKIA…1234")
        #expect(AWSCredential(accessKeyId: "AKID", secretAccessKey: "s").description == "…")
    }

    @Test("no textual form reveals the secret access key or the session token")
    func noFormRevealsSecrets() {
        var dumped = ""
        dump(Self.credential, to: &dumped)
        for text in ["\(Self.credential)", String(reflecting: Self.credential), dumped, "\([Self.credential])"] {
            #expect(!text.contains("wJalrXUtnFEMI"))
            #expect(!text.contains("EXAMPLETOKEN"))
            #expect(text.contains("AKIA…1234"))
        }
    }
}
