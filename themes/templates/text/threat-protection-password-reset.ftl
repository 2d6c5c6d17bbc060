<#ftl output_format="plainText">
<#import "threat-protection-details.ftl" as signIn>
${msg("threatProtectionPasswordResetIntro", username, realmName)}

<@signIn.details/>

<@signIn.links/>
