<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=false displayInfo=false; section>
    <#if section = "header">
        ${msg("threatProtectionRiskChallengeTitle")}
    <#elseif section = "form">
        <p id="threat-protection-risk-challenge-instruction">${msg("threatProtectionRiskChallengeInstruction")}</p>
        <noscript>
            <p id="threat-protection-risk-challenge-noscript" class="${properties.kcInputErrorMessageClass!}">${msg("threatProtectionRiskChallengeNoScript")}</p>
        </noscript>
        <form id="threat-protection-challenge-form" data-submit-when-solved="true" class="${properties.kcFormClass!}"
              action="${url.loginAction}" method="post">
            <div class="${properties.kcFormGroupClass!}">
                <input id="threat-protection-challenge-continue" type="submit" name="continue" value="${msg("doContinue")}"
                       class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}"/>
            </div>
        </form>
    </#if>
</@layout.registrationLayout>
