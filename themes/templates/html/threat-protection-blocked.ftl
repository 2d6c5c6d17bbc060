<#import "template.ftl" as layout>
<#import "threat-protection-details.ftl" as signIn>
<@layout.emailLayout>
<#if sessionRevoked>
<p>${msg("threatProtectionSessionRevokedIntro", username, realmName)}</p>
<#else>
<p>${msg(passwordReset?then("threatProtectionBlockedResetIntro", passwordUsed?then("threatProtectionBlockedIntro", "threatProtectionBlockedSignInIntro")), username, realmName)}</p>
</#if>
<#if compromisedPassword>
<p>${msg("threatProtectionBlockedCompromised")}</p>
<p>${msg("threatProtectionResetLinkMailed")}</p>
<#if forgotPasswordAllowed><p><a href="${passwordResetLink}">${msg("threatProtectionResetPassword")}</a></p></#if>
</#if>
<@signIn.details/>
<@signIn.links/>
</@layout.emailLayout>
