<#ftl output_format="plainText">
<#import "threat-protection-details.ftl" as signIn>
${msg("threatProtectionBlockedIntro", username, realmName)}
<#if compromisedPassword>
${msg("threatProtectionBlockedCompromised")}
${msg("threatProtectionResetPassword")}: ${passwordResetLink}
</#if>

<@signIn.details/>

<@signIn.links/>
