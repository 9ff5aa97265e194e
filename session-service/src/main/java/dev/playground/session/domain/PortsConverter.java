package dev.playground.session.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.List;

/** A session's preview ports as the {@code ports} column keeps them: a JSON array of numbers. */
@Converter
public class PortsConverter implements AttributeConverter<List<Integer>, String> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Integer>> PORTS = new TypeReference<>() { };

    @Override
    public String convertToDatabaseColumn(List<Integer> ports) {
        try {
            return JSON.writeValueAsString(ports == null ? List.of() : ports);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<Integer> convertToEntityAttribute(String column) {
        try {
            return column == null ? List.of() : List.copyOf(JSON.readValue(column, PORTS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable ports column: " + column, e);
        }
    }
}
