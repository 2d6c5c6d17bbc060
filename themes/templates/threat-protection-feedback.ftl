<#import "template.ftl" as layout>
<#-- The login layout's <title> reads the variable title, which Keycloak fills with "Sign in to <realm>"; a global
     variable hides that data-model value, so the browser tab names this page and the realm's display name. -->
<#global title = (threatProtectionFeedback.recorded?then(msg("threatProtectionFeedbackAnsweredTitle"), msg("threatProtectionFeedbackTitle"))) + " - " + realm.displayName>
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        <#if threatProtectionFeedback.recorded>${msg("threatProtectionFeedbackAnsweredTitle")}<#else>${msg("threatProtectionFeedbackTitle")}</#if>
    <#elseif section = "form">
        <div id="threat-protection-feedback">
            <ul>
                <li>${msg("threatProtectionDetailTime")}: ${threatProtectionFeedback.time}</li>
                <li>${msg("threatProtectionDetailIp")}: ${threatProtectionFeedback.ipAddress}</li>
                <li>${msg("threatProtectionDetailPlace")}: ${threatProtectionFeedback.place}</li>
                <li>${msg("threatProtectionDetailDevice")}: <#if threatProtectionFeedback.deviceName??>${threatProtectionFeedback.deviceName}<#else>${msg("threatProtectionUnknownDevice")}</#if></li>
            </ul>
            <#if threatProtectionFeedback.answered??>
                <p id="feedback-answered">${msg(threatProtectionFeedback.answered, threatProtectionFeedback.answeredTime)}</p>
                <#if threatProtectionFeedback.value = "INVALID" && threatProtectionFeedback.resetUrl??>
                    <p><a id="feedback-reset" href="${threatProtectionFeedback.resetUrl}">${msg("threatProtectionResetPassword")}</a></p>
                </#if>
            <#elseif threatProtectionFeedback.recorded>
                <#if threatProtectionFeedback.value = "INVALID">
                    <p id="feedback-recorded">${msg("threatProtectionFeedbackRecordedInvalid")}</p>
                    <#if threatProtectionFeedback.resetUrl??>
                        <p><a id="feedback-reset" href="${threatProtectionFeedback.resetUrl}">${msg("threatProtectionResetPassword")}</a></p>
                    </#if>
                <#else>
                    <p id="feedback-recorded">${msg("threatProtectionFeedbackRecordedValid")}</p>
                </#if>
            <#else>
                <form id="feedback-form" action="${threatProtectionFeedback.actionUrl}" method="post">
                    <input type="hidden" name="key" value="${threatProtectionFeedback.key}"/>
                    <#if threatProtectionFeedback.value = "INVALID">
                        <p>${msg("threatProtectionFeedbackConfirmInvalid")}</p>
                        <input class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}"
                               type="submit" name="confirm" value="${msg("threatProtectionThisWasNotMe")}"/>
                    <#else>
                        <p>${msg("threatProtectionFeedbackConfirmValid")}</p>
                        <input class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonBlockClass!}"
                               type="submit" name="confirm" value="${msg("threatProtectionThisWasMe")}"/>
                    </#if>
                </form>
            </#if>
        </div>
    </#if>
</@layout.registrationLayout>
