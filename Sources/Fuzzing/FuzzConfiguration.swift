import Foundation
import SwitchboardCore

/// The system every target runs against: two channels of each webhook type (the second of
/// another app or secret, so "valid for a different channel" is an input) and one chat
/// channel, with the known-answer secrets of channels.md.
enum FuzzConfiguration {
    static let customSecret = "fuzz-custom-secret-0001"
    static let otherCustomSecret = "fuzz-custom-secret-0002"
    static let twilioAuthToken = "tw_test_auth_token_0123456789ab"
    static let twilioPublicURL = "https://ingress.example.test/channels/sms/twilio"
    static let messengerSecret = "fb_app_secret_example_0001"
    static let otherMessengerSecret = "outlet-app-secret"
    static let whatsAppSecret = "wa_app_secret_example_0002"
    static let otherWhatsAppSecret = "export-app-secret"
    static let xConsumerSecret = "x_consumer_secret_example_0003"
    static let chatOrigin = "https://www.northwind.example"

    static let environment = [
        "FUZZ_CUSTOM_SECRET": customSecret, "FUZZ_OTHER_CUSTOM_SECRET": otherCustomSecret,
        "TWILIO_AUTH_TOKEN": twilioAuthToken,
        "FACEBOOK_APP_SECRET": messengerSecret, "FACEBOOK_VERIFY_TOKEN": "fb-verify-token", "FACEBOOK_PAGE_ACCESS_TOKEN": "fb-page-token",
        "OUTLET_APP_SECRET": otherMessengerSecret, "OUTLET_VERIFY_TOKEN": "outlet-verify-token", "OUTLET_PAGE_ACCESS_TOKEN": "outlet-token",
        "WHATSAPP_APP_SECRET": whatsAppSecret, "WHATSAPP_VERIFY_TOKEN": "wa-verify-token", "WHATSAPP_ACCESS_TOKEN": "wa-token",
        "EXPORT_APP_SECRET": otherWhatsAppSecret, "EXPORT_VERIFY_TOKEN": "export-verify-token", "EXPORT_ACCESS_TOKEN": "export-token",
        "X_CONSUMER_SECRET": xConsumerSecret, "X_ACCESS_TOKEN": "x-access-token",
        "FUZZ_OPERATOR_SECRET": "fuzz-operator", "FUZZ_AGENT_SECRET": "fuzz-agent",
    ]

    static let yaml = """
        version: 1
        system:
          dataDir: ./fuzz-data-unused
          operatorSecret: { env: FUZZ_OPERATOR_SECRET }
        processes:
          router:
            ingressEndpoint: tcp://127.0.0.1:1
            distributorEndpoint: tcp://127.0.0.1:2
            http: 127.0.0.1:3
          presence:
            requestEndpoint: tcp://127.0.0.1:4
            updatesEndpoint: tcp://127.0.0.1:5
            http: 127.0.0.1:6
          distributors:
            - name: distributor-1
              queues: [fuzz]
              http: 127.0.0.1:7
            - name: distributor-2
              queues: [fuzz-transfer]
              http: 127.0.0.1:14
          ingress:
            chat: { http: 127.0.0.1:8 }
            sms: { http: 127.0.0.1:9 }
            facebook: { http: 127.0.0.1:10 }
            whatsapp: { http: 127.0.0.1:11 }
            twitter: { http: 127.0.0.1:12 }
            custom: { http: 127.0.0.1:13 }
        channels:
          - id: web-chat
            type: chat
            workStream: ws-chat
            title: Fuzz help
            allowedOrigins: [\(chatOrigin)]
          - id: sms-us
            type: sms
            workStream: ws-sms
            phoneNumber: "+15550002222"
            accountSid: AC00000000000000000000000000000001
            authToken: { env: TWILIO_AUTH_TOKEN }
            publicUrl: \(twilioPublicURL)
            apiBaseUrl: http://127.0.0.1:1
          - id: facebook-page
            type: facebook
            workStream: ws-facebook
            pageId: "900000000000001"
            appSecret: { env: FACEBOOK_APP_SECRET }
            verifyToken: { env: FACEBOOK_VERIFY_TOKEN }
            pageAccessToken: { env: FACEBOOK_PAGE_ACCESS_TOKEN }
            apiBaseUrl: http://127.0.0.1:1
          - id: facebook-outlet
            type: facebook
            workStream: ws-facebook
            pageId: "900000000000002"
            appSecret: { env: OUTLET_APP_SECRET }
            verifyToken: { env: OUTLET_VERIFY_TOKEN }
            pageAccessToken: { env: OUTLET_PAGE_ACCESS_TOKEN }
            apiBaseUrl: http://127.0.0.1:1
          - id: whatsapp-support
            type: whatsapp
            workStream: ws-whatsapp
            phoneNumberId: "200000000000001"
            appSecret: { env: WHATSAPP_APP_SECRET }
            verifyToken: { env: WHATSAPP_VERIFY_TOKEN }
            accessToken: { env: WHATSAPP_ACCESS_TOKEN }
            apiBaseUrl: http://127.0.0.1:1
          - id: whatsapp-export
            type: whatsapp
            workStream: ws-whatsapp
            phoneNumberId: "200000000000002"
            appSecret: { env: EXPORT_APP_SECRET }
            verifyToken: { env: EXPORT_VERIFY_TOKEN }
            accessToken: { env: EXPORT_ACCESS_TOKEN }
            apiBaseUrl: http://127.0.0.1:1
          - id: x-support
            type: twitter
            workStream: ws-x
            accountId: "1500000000000000001"
            consumerSecret: { env: X_CONSUMER_SECRET }
            accessToken: { env: X_ACCESS_TOKEN }
            apiBaseUrl: http://127.0.0.1:1
          - id: fuzz-app
            type: custom
            workStream: ws-custom
            sharedSecret: { env: FUZZ_CUSTOM_SECRET }
            callbackUrl: http://127.0.0.1:1/replies
          - id: fuzz-other-app
            type: custom
            workStream: ws-custom
            sharedSecret: { env: FUZZ_OTHER_CUSTOM_SECRET }
            callbackUrl: http://127.0.0.1:1/replies
        workStreams:
        \(workStreams)
        queues:
          - name: fuzz
            priority: 0
            agents: [fuzzer]
            assignment: roundRobin
          - name: fuzz-transfer
            priority: 0
            agents: [fuzzer]
            assignment: roundRobin
        agents:
          - id: fuzzer
            name: Fuzz Agent
            capacity: 1
            secret: { env: FUZZ_AGENT_SECRET }

        """

    /// One push work stream per channel type, all into the one queue.
    static var workStreams: String {
        let streams = [
            ("chat", "chat", "web-chat"), ("sms", "sms", "sms-us"), ("facebook", "facebook", "facebook-page, facebook-outlet"),
            ("whatsapp", "whatsapp", "whatsapp-support, whatsapp-export"), ("x", "twitter", "x-support"),
            ("custom", "custom", "fuzz-app, fuzz-other-app"),
        ]
        return streams.map { name, type, channels in
            [
                "  - name: ws-\(name)", "    channelType: \(type)", "    channels: [\(channels)]", "    capacity: 1",
                "    distribution: push", "    allowedPresences: [available]", "    fallbackQueue: fuzz",
            ].joined(separator: "\n")
        }.joined(separator: "\n")
    }

    static func load() throws -> SwitchboardConfiguration {
        switch ConfigurationLoader.load(yaml: yaml, file: "fuzz.yaml") {
        case .success(let loaded): return loaded.configuration
        case .failure(let error): throw error
        }
    }
}
