<#import "template.ftl" as layout>
<@layout.emailLayout>
<p>${msg("threatProtectionEmailCodeMailIntro", username, realmName)}</p>
<p style="font-size: 1.6em; font-weight: bold; letter-spacing: 0.2em;" id="threat-protection-email-code">${code}</p>
<p>${msg("threatProtectionEmailCodeMailValidity", validityMinutes)}</p>
<p>${msg("threatProtectionEmailCodeMailNotYou")}</p>
</@layout.emailLayout>
