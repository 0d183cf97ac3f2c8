extension ChannelDataVariables {
    /// The channel-data values of one inbound message by variable name (W2).
    ///
    /// The common variables come from the message's own fields; `raw` is the adapter's
    /// channel data, whose keys are the dotted variable names of the channel type
    /// (`chat.locale`, `sms.to`, ...). Raw keys cannot override the common variables.
    public static func values(
        channelID: String, channelType: String, customerAddress: String, customerDisplayName: String?,
        raw: [String: String]
    ) -> [String: String] {
        var values = raw
        values["channel.id"] = channelID
        values["channel.type"] = channelType
        values["customer.address"] = customerAddress
        values["customer.displayName"] = customerDisplayName
        return values
    }
}
