import Gates
import Testing

struct PIIScannerTests {
    let scanner = PIIScanner()

    /// (kind, matched text) for each match.
    func found(_ text: String, kinds: Set<PIIKind> = Set(PIIKind.allCases)) -> [String] {
        let bytes = Array(text.utf8)
        return PIIScanner(kinds: kinds).scan(text).map { "\($0.kind.rawValue):\(String(decoding: bytes[$0.range], as: UTF8.self))" }
    }

    // MARK: Cards

    @Test func luhnValidCardsAreFoundSpacedDashedOrBare() {
        #expect(found("card 4111 1111 1111 1111 exp 12/27") == ["card:4111 1111 1111 1111"])
        #expect(found("card 4111111111111111.") == ["card:4111111111111111"])
        #expect(found("Amex 3782-822463-10005, Visa 4012888888881881") == ["card:3782-822463-10005", "card:4012888888881881"])
        #expect(found("MC 5555 5555 5555 4444 CVC 123") == ["card:5555 5555 5555 4444"])
        #expect(found("4111 1111 1111 1111 123") == ["card:4111 1111 1111 1111"])
    }

    @Test func luhnInvalidAndFillerNumbersAreNotCards() {
        #expect(found("card 4111 1111 1111 1112", kinds: [.card]) == [])
        #expect(found("0000 0000 0000 0000", kinds: [.card]) == [])
        #expect(found("order 1234567812345678", kinds: [.card]) == [])   // fails Luhn
        #expect(found("<<14000-3920-1000=9080>> and 2,000,000-400,000", kinds: [.card]) == [])   // arithmetic, odd groups
        #expect(found("4111-1111-1111-1111 = card", kinds: [.card]) == [])
        #expect(found("101 102 103 104 105 106 107 108 109 110 111 112 113 114", kinds: [.card]) == [])
        #expect(found("id 4111111111111111x", kinds: [.card]) == [])     // glued to a letter
        #expect(found("1.4111111111111111", kinds: [.card]) == [])       // a decimal
    }

    @Test func theLuhnChecksum() {
        #expect(PIIScanner.luhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3]))
        #expect(!PIIScanner.luhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 4]))
        #expect(PIIScanner.luhn(Array("4111111111111111".utf8).map { $0 - 48 }))
    }

    // MARK: Phones

    @Test func internationalAndNationalPhoneNumbers() {
        #expect(found("Call +1 (555) 014-2387 today") == ["phone:+1 (555) 014-2387"])
        #expect(found("UK: +44 20 7946 0958, mobile 07700 900461.") == ["phone:+44 20 7946 0958", "phone:07700 900461"])
        #expect(found("(555) 014-2387 or 555-014-2387 or 555.014.2387") ==
                ["phone:(555) 014-2387", "phone:555-014-2387", "phone:555.014.2387"])
        #expect(found("Berlin 030 12345678; bare +15550142387 or 07700900461") ==
                ["phone:030 12345678", "phone:+15550142387", "phone:07700900461"])
        #expect(found("Paris 01 23 45 67 89") == ["phone:01 23 45 67 89"])
        #expect(found("call (07700 900461)") == ["phone:07700 900461"])
    }

    @Test func datesTimesVersionsPricesAndIPsAreNotPhones() {
        let notPhones = [
            "On 2024-05-17 10:30 we met", "2024-05-17 1030 hours", "on 17.05.2024 12:00", "12/05/2024 and 01/06/2025",
            "version 10.0.19041.1234", "v1.2.3.4", "build 2.16.840.1", "IP 192.168.100.200",
            "costs $1,234,567.89", "1 234 567 EUR", "€ 123 456 789", "price 123456789 USD", "1.234.567.890 units",
            "timestamp 1716000000", "order 5550142387", "pi 3.14159265358979", "99.5% of 123456789",
            "ISBN 978-3-16-148410-0", "12345678", "+123 45",
            // GSM8K-style arithmetic.
            "left 960-480-120 = <<960-480-120=360>>360", "a profit of 450,000-2000=$<<450000-2000=448000>>448,000",
            "2 × 555-014-2387", "16128-3294 bales", "count 1 2 3 4 5 6 7 8 9 10", "9 8 7 6 5 4 3 2 1",
        ]
        for text in notPhones {
            #expect(found(text, kinds: [.phone]) == [], "\(text)")
        }
    }

    // MARK: SSN, NI, national ids

    @Test func ssnsOutsideTheNeverIssuedRanges() {
        #expect(found("SSN 123-45-6789.") == ["ssn:123-45-6789"])
        #expect(found("ssn: 536-22-1234") == ["ssn:536-22-1234"])
        for never in ["000-12-3456", "666-12-3456", "900-12-3456", "999-99-9999", "123-00-4567", "123-45-0000",
                      "078-05-1120", "219-09-9999"] {
            #expect(found("SSN \(never)", kinds: [.ssn, .phone]) == [], "\(never)")
        }
        #expect(found("1123-45-6789 and 123-45-67890", kinds: [.ssn]) == [])
        #expect(PIIScanner.isIssuableSSN(area: 899, group: 99, serial: 9999))
        #expect(!PIIScanner.isIssuableSSN(area: 900, group: 1, serial: 1))
    }

    @Test func ukNationalInsuranceNumbers() {
        #expect(found("NI AB123456C") == ["uk-ni:AB123456C"])
        #expect(found("NI: JG 10 37 52 D.") == ["uk-ni:JG 10 37 52 D"])
        // Never-allocated prefixes (the specimen QQ 12 34 56 C), bad suffixes, glued letters.
        for text in ["QQ123456C", "GB123456A", "AD123456A", "AB123456E", "XAB123456C", "AB12345C", "AB 12 3456 C"] {
            #expect(found(text, kinds: [.ukNI]) == [], "\(text)")
        }
    }

    @Test func nationalIDsNeedAKeywordNearby() {
        #expect(found("Passport number: 123456789") == ["national-id:123456789"])
        #expect(found("my national ID is 1234 5678 9012") == ["national-id:1234 5678 9012"])
        #expect(found("Tax ID 98-7654321 on file") == ["national-id:98-7654321"])
        #expect(found("123456789 is my SSN") == ["national-id:123456789"])
        #expect(found("order 123456789 shipped", kinds: [.nationalID]) == [])
        #expect(found("passport\n\nsomething else entirely, 123456789", kinds: [.nationalID]) == [])
        #expect(found("costing 123456789", kinds: [.nationalID]) == [])   // "tin" inside a word
    }

    // MARK: E-mail

    @Test func emailAddresses() {
        #expect(found("Write to jane.doe+billing@example.co.uk.") == ["email:jane.doe+billing@example.co.uk"])
        #expect(found("<a.b@example.co.uk>, 'o'brien@example.de'") == ["email:a.b@example.co.uk", "email:o'brien@example.de"])
        for text in ["user@localhost", "@example.de", "a@b.c", "name@-example.de", "x@example.123", "a..b@example.de",
                     "email me at user at example dot com"] {
            #expect(found(text, kinds: [.email]) == [], "\(text)")
        }
    }

    @Test func roleAddressesAreNotPersonalData() {
        #expect(found("Write to Support@northwind.co.uk or no-reply@northwind.co.uk") == [])
        #expect(found("or jane@northwind.co.uk") == ["email:jane@northwind.co.uk"])
        #expect(PIIScanner(roleEmails: []).scan("support@northwind.co.uk").count == 1)
    }

    // MARK: What is no one's

    @Test func reservedDocumentationDomainsAreNotPersonalData() {
        for text in ["ana.k@example.com", "Sandra.Peters@EXAMPLE.COM", "a@example.net", "b@example.org", "c@mail.example.com",
                     "d@northwind-hh.example", "e@clinic.test", "f@nowhere.invalid", "g@box.localhost", "h@a.b.EXAMPLE"] {
            #expect(found(text) == [], "\(text)")
        }
        // Look-alikes that are ordinary, registrable names someone may hold.
        #expect(found("a@example.co.uk b@example.de c@myexample.com d@example.com.au e@testing.com f@host.local g@test.com")
                == ["email:a@example.co.uk", "email:b@example.de", "email:c@myexample.com", "email:d@example.com.au",
                    "email:e@testing.com", "email:f@host.local", "email:g@test.com"])
        #expect(PIIScanner.isReservedDomain("Mail.Example.Org"))
        #expect(!PIIScanner.isReservedDomain("example.edu.au"))
        #expect(!PIIScanner.isReservedDomain("examples.com"))
    }

    @Test func the555ExchangeIsFiction() {
        for text in ["(212) 555-0123", "212-555-0199", "+1 212 555 0100", "1-212-555-0150", "212.555.0142", "+12125550100",
                     "555-555-8800", "555-555-5555", "+1 (555) 555-5555", "(512) 555-2994", "(256) 555-9515"] {
            #expect(found(text) == [], "\(text)")
        }
        // Other exchanges are anyone's; a 555 line in a toll-free area code is a real toll-free number.
        #expect(found("(212) 556-0123, 212-505-0123") == ["phone:(212) 556-0123", "phone:212-505-0123"])
        #expect(scanner.scan("1-800-555-5555").map(\.tollFree) == [true])
        #expect(scanner.scan("1-800-555-0123").isEmpty)
        // The sample's +1 (555) 014-2387: area code 555, exchange 014, not the 555 exchange.
        #expect(found("+1 (555) 014-2387") == ["phone:+1 (555) 014-2387"])
    }

    @Test func publicServiceLinesAreNotPersonalData() {
        for text in ["Poison Control: 1-800-222-1222", "Suicide Prevention Lifeline 1-800-273-8255", "800-799-7233",
                     "+1 800 656 4673", "(800) 662-4357", "1 (800) 232-4636", "1-800-633-4227", "1-888-373-7888",
                     "call 911, 988, 112, 999 or 111"] {
            #expect(found(text) == [], "\(text)")
        }
        for number in PIIScanner.publicServiceNumbers {
            #expect(PIIScanner.phoneClass(digits: Array(("1" + number).utf8).map { $0 - 0x30 }, international: true) == .notPersonal)
        }
    }

    @Test func tollFreeNumbersAreMarked() {
        let tollFree = ["1-877-432-1090", "(888) 123-4567", "833 123 4567", "+1 866 123 4567", "0800 123 4567", "0808 157 0192",
                        "+44 800 123 4567", "+44 0808 123 4567", "+49 800 1234567", "+33 805 12 34 56", "+800 1234 5678",
                        "1800 123 456"]
        for text in tollFree {
            let matches = scanner.scan(text)
            #expect(matches.count == 1 && matches[0].tollFree && matches[0].kind == .phone, "\(text): \(matches)")
        }
        for text in ["+44 20 7946 0958", "(212) 456-7890", "07700 900461", "030 12345678", "+49 30 1234567", "+1 (555) 014-2387"] {
            #expect(scanner.scan(text).map(\.tollFree) == [false], "\(text)")
        }
    }

    @Test func earlierKindsWinOverlaps() {
        // A card number is not also a phone number or an id.
        #expect(found("passport 4111 1111 1111 1111") == ["card:4111 1111 1111 1111"])
        #expect(found("") == [])
        #expect(found("no digits or at signs here") == [])
    }
}
