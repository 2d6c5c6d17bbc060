<#ftl output_format="plainText">
<#import "threat-protection-details.ftl" as signIn>
<#if sessionRevoked>
${msg("threatProtectionSessionRevokedIntro", username, realmName)}
<#else>
${msg(passwordReset?then("threatProtectionBlockedResetIntro", passwordUsed?then("threatProtectionBlockedIntro", "threatProtectionBlockedSignInIntro")), username, realmName)}
</#if>
<#if compromisedPassword>
${msg("threatProtectionBlockedCompromised")}
${msg("threatProtectionResetLinkMailed")}
<#if forgotPasswordAllowed>
${msg("threatProtectionResetPassword")}: ${passwordResetLink}
</#if>
</#if>

<@signIn.details/>

<@signIn.links/>
