package io.github.threatprotection.admin;

import java.util.List;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.github.threatprotection.Json;
import io.github.threatprotection.settings.FieldError;

/** The API's error body: {@code {"errors":[{"field":"…","message":"…"}]}}. */
final class ErrorResponses {

    private ErrorResponses() {
    }

    static Response badRequest(List<FieldError> errors) {
        ObjectNode body = Json.object();
        ArrayNode list = body.putArray("errors");
        for (FieldError error : errors) {
            list.addObject().put("field", error.field()).put("message", error.message());
        }
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Json.write(body)).build();
    }

    static Response badRequest(String field, String message) {
        return badRequest(List.of(new FieldError(field, message)));
    }
}
