<#ftl output_format="plainText">
<#macro details>
${msg("threatProtectionDetailTime")}: ${loginTime}
${msg("threatProtectionDetailIp")}: ${ipAddress}
${msg("threatProtectionDetailPlace")}: ${city}, ${country}
${msg("threatProtectionDetailDevice")}: ${deviceName}
${msg("threatProtectionDetailEvent")}: ${eventId}
</#macro>
<#macro links>
${msg("threatProtectionQuestion")}
${msg("threatProtectionThisWasMe")}: ${oneClickLinkValid}
${msg("threatProtectionThisWasNotMe")}: ${oneClickLinkInvalid}

${msg("threatProtectionNotMeExplained")} ${msg("threatProtectionLinksExpire", linkValidityDays)}
</#macro>
