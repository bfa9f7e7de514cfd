import AWSKit
import Testing

@Suite struct INIDocumentTests {
    @Test func commentsBlanksAndWhitespace_areIgnored() throws {
        let text = """
            # leading comment
            ; another comment style

              [default]  
            aws_access_key_id   =   AKIAEXAMPLE   
            \taws_secret_access_key=secret # inline comment
            region = eu-west-1;not-a-comment
            output = json ;inline
            """
        let document = try INIDocument(parsing: text, path: "~/.aws/credentials")
        #expect(document.sections == ["default": [
            "aws_access_key_id": "AKIAEXAMPLE", "aws_secret_access_key": "secret",
            "region": "eu-west-1;not-a-comment", "output": "json",
        ]])
    }

    @Test func duplicateKeysAndSections_laterValueWins() throws {
        let text = """
            [a]
            key = first
            other = kept
            [b]
            key = b
            [a]
            key = second
            """
        let document = try INIDocument(parsing: text, path: "f")
        #expect(document.sections["a"] == ["key": "second", "other": "kept"])
        #expect(document.sections["b"] == ["key": "b"])
    }

    @Test func keysAreLowercased_andWindowsLineEndingsWork() throws {
        let document = try INIDocument(parsing: "[x]\r\nAWS_Access_Key_ID = K\r\n", path: "f")
        #expect(document.sections["x"] == ["aws_access_key_id": "K"])
    }

    @Test func nestedSettingsUnderAnEmptyKey_areKeptUnderTheirParent() throws {
        let text = """
            [profile dev]
            s3 =
              max_concurrent_requests = 20
              addressing_style = path
            region = us-east-1
            """
        let document = try INIDocument(parsing: text, path: "f")
        #expect(document.sections["profile dev"] == ["s3": "", "s3.max_concurrent_requests": "20",
                                                      "s3.addressing_style": "path", "region": "us-east-1"])
    }

    @Test func sectionHeaderWithComment_isAccepted() throws {
        let document = try INIDocument(parsing: "[profile x] # prod\nk=v", path: "f")
        #expect(document.sections["profile x"] == ["k": "v"])
    }

    @Test(arguments: [
        ("[default\nk=v", "~/.aws/config line 1: section header is missing its closing `]`"),
        ("k = v\n[default]", "~/.aws/config line 1: setting `k` appears before any `[section]` header"),
        ("[default]\n\nthis line has no equals sign", "~/.aws/config line 3: expected `key = value`, a `[section]` or a comment"),
        ("[default]\n= value", "~/.aws/config line 2: a setting has no name before `=`"),
        ("[]\n", "~/.aws/config line 1: expected a section header like `[default]` or `[profile NAME]`"),
    ])
    func malformedLine_errorNamesFileAndLine(text: String, expected: String) {
        #expect { try INIDocument(parsing: text, path: "~/.aws/config") } throws: { error in
            "\(error)" == expected
        }
    }

    @Test func parseError_neverEchoesTheLine() {
        let text = "[default]\naws_secret_access_key \(TestKeys.secret)"
        #expect { try INIDocument(parsing: text, path: "f") } throws: { error in
            !"\(error)".contains(TestKeys.secret) && "\(error)".contains("line 2")
        }
    }
}
